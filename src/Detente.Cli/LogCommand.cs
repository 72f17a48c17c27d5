using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Detente.Ledger;
using Detente.Ledger.Auditing;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Ledger.Witnessing;
using Detente.Node;
using Detente.Node.Sync;
using Detente.Stix;
using Detente.Stix.Signatures;
using Detente.Storage;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    /// <summary>Where a log command reads: a data folder (directly) or a node over HTTP.</summary>
    private sealed record LogSource(string DataFolder, string? Postgres, Uri? Url, string? Token, string? Key);

    private Command LogCommand()
    {
        var command = new Command("log", "The node's transparency log: its verifier key, checkpoint, inclusion proofs, and a full audit.");
        command.Subcommands.Add(LogSubcommand("key", "Print the log's verifier key (C2SP signed-note form name+hash+base64).",
            [], (source, _, ct) => LogKeyAsync(source, ct)));
        var checkpointWitnesses = WitnessKeysOption();
        command.Subcommands.Add(LogSubcommand("checkpoint", "Print the latest signed checkpoint, after checking its signature; list its cosigners "
            + "(witnesses) and their times on standard error.",
            [checkpointWitnesses], (source, result, ct) => LogCheckpointAsync(source, result.GetValue(checkpointWitnesses)!, ct)));
        var collection = new Option<string>("--collection") { Description = "The collection's id or alias.", Required = true };
        var objectId = new Option<string>("--object") { Description = "The object's STIX id.", Required = true };
        var version = new Option<string?>("--version") { Description = "The version (a timestamp, first or last). Default: last." };
        var apiRoot = new Option<string>("--api-root") { Description = "The API root. Default: default.", DefaultValueFactory = static _ => "default" };
        var size = new Option<long?>("--size")
        {
            Description = "Prove against the log's checkpoint of this tree size (one it had, above the entry's index) instead of the latest.",
        };
        command.Subcommands.Add(LogSubcommand("proof", "Print and check the inclusion proof of one object version (the salt is in it: keep it private).",
            [collection, objectId, version, apiRoot, size],
            (source, result, ct) => LogProofAsync(source, result.GetValue(apiRoot)!, result.GetValue(collection)!, result.GetValue(objectId)!,
                result.GetValue(version), result.GetValue(size), ct)));
        var pinned = new Option<string?>("--pinned") { Description = "An older checkpoint (signed note file) the log must be consistent with." };
        var verifyWitnesses = WitnessKeysOption();
        var maxAge = new Option<string?>("--max-age")
        {
            Description = "With --witness: the log is stalled (exit 1) when its newest trusted cosignature is older than this (e.g. 90s, 10m, 2h, 1d).",
        };
        command.Subcommands.Add(LogSubcommand("verify", "Walk the whole log from its tiles: recompute every hash, check the checkpoint's signature "
            + "and, with --pinned, consistency with an older checkpoint; with --witness and --max-age, its freshness. Exit 1 at the first discrepancy.",
            [pinned, verifyWitnesses, maxAge],
            (source, result, ct) => LogVerifyAsync(source, result.GetValue(pinned), result.GetValue(verifyWitnesses)!, result.GetValue(maxAge), ct)));
        command.Subcommands.Add(LogWitnessCommand());
        return command;
    }

    private Command LogSubcommand(string name, string description, Option[] extra, Func<LogSource, ParseResult, CancellationToken, Task<int>> action)
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var url = new Option<string?>("--url") { Description = "Read the log of the node at this URL instead of a data folder." };
        var token = new Option<string?>("--token") { Description = "The API token for --url (or the DETENTE_TOKEN environment variable)." };
        var key = new Option<string?>("--key")
        {
            Description = "The log's verifier key (name+hash+base64) to check against; with --url, without it the node's own /log/key is trusted.",
        };
        var command = new Command(name, description) { data, postgres, url, token, key };
        foreach (Option option in extra)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            string? urlText = result.GetValue(url);
            Uri? uri = null;
            if (urlText is not null && (!Uri.TryCreate(urlText.EndsWith('/') ? urlText : urlText + "/", UriKind.Absolute, out uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                await _stderr.WriteLineAsync("detente: --url is an absolute http:// or https:// URL.");
                return ExitCodes.Unusable;
            }

            string? tokenValue = result.GetValue(token) ?? Environment.GetEnvironmentVariable("DETENTE_TOKEN");
            if (uri is not null && tokenValue is null)
            {
                await _stderr.WriteLineAsync("detente: --url needs --token (or DETENTE_TOKEN).");
                return ExitCodes.Unusable;
            }

            var source = new LogSource(result.GetValue(data)!, result.GetValue(postgres), uri, tokenValue, result.GetValue(key));
            try
            {
                return await action(source, result, cancellationToken);
            }
            catch (Exception e) when (e is NodeConfigurationException or StoreException or HttpRequestException or LedgerFormatException)
            {
                await _stderr.WriteLineAsync("detente: " + e.Message);
                return ExitCodes.Unusable;
            }
        });
        return command;
    }

    private async Task<int> LogKeyAsync(LogSource source, CancellationToken cancellationToken)
    {
        NoteVerifierKey key = await LogVerifierKeyAsync(source, cancellationToken);
        await _stdout.WriteLineAsync(key.ToString());
        return ExitCodes.Ok;
    }

    private static Option<string[]> WitnessKeysOption() => new("--witness")
    {
        Description = "A witness cosignature key (name+hash+base64) to trust; repeat for several.",
        DefaultValueFactory = static _ => [],
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The witness keys of --witness; null (with why on standard error) when one is not a cosignature key.</summary>
    private async Task<NoteVerifierKey[]?> ReadWitnessKeysAsync(string[] texts)
    {
        var keys = new NoteVerifierKey[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            if (!NoteVerifierKey.TryParse(texts[i], out NoteVerifierKey? key) || key.Type != NoteKeyType.Cosignature)
            {
                await _stderr.WriteLineAsync($"detente: --witness '{texts[i]}' is not a witness cosignature key (type 0x04, name+hash+base64).");
                return null;
            }

            keys[i] = key;
        }

        return keys;
    }

    /// <summary>One line per signature of the note other than the log's: the cosigner, its time, and whether a --witness key verified it.</summary>
    private async Task WriteCosignersAsync(SignedNote note, NoteVerifierKey logKey, NoteVerifierKey[] witnesses)
    {
        byte[] text = Encoding.UTF8.GetBytes(note.Text);
        int count = 0;
        foreach (NoteSignature signature in note.Signatures)
        {
            if (signature.KeyName == logKey.Name && signature.KeyId == logKey.KeyId)
            {
                continue;
            }

            count++;
            NoteVerifierKey? key = witnesses.FirstOrDefault(w => w.Name == signature.KeyName && w.KeyId == signature.KeyId);
            string time = signature.Signature.Length == 72
                ? Time(DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(signature.Signature.Span),
                    (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())))
                : "no time";
            string state = key is null ? "not checked (no --witness key for it)"
                : key.VerifySignature(text, signature.Signature.Span, out _) ? "verified" : "DOES NOT VERIFY";
            await _stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"cosigned by {signature.KeyName} ({signature.KeyId:x8}) at {time}: {state}"));
        }

        if (count == 0)
        {
            await _stderr.WriteLineAsync("no cosignatures: no witness has cosigned this checkpoint");
        }
    }

    private async Task<int> LogCheckpointAsync(LogSource source, string[] witnessTexts, CancellationToken cancellationToken)
    {
        if (await ReadWitnessKeysAsync(witnessTexts) is not { } witnesses)
        {
            return ExitCodes.Unusable;
        }

        NoteVerifierKey key = await LogVerifierKeyAsync(source, cancellationToken);
        ReadOnlyMemory<byte>? note = await WithLogTilesAsync(source, tiles => tiles.ReadCheckpointAsync(cancellationToken).AsTask(), cancellationToken);
        if (note is not { } bytes)
        {
            await _stderr.WriteLineAsync("detente: the log has no checkpoint yet.");
            return ExitCodes.Invalid;
        }

        SignedNote checkpointNote = SignedNote.Parse(bytes.Span);
        NoteVerification verification = checkpointNote.Verify([key]);
        await _stdout.WriteAsync(Encoding.UTF8.GetString(bytes.Span));
        if (!verification.IsValid)
        {
            await _stderr.WriteLineAsync("detente: the checkpoint's signature does not verify with " + key + ": " + verification.Message);
            return ExitCodes.Invalid;
        }

        await WriteCosignersAsync(checkpointNote, key, witnesses);
        return witnesses.Length > 0 && !checkpointNote.Verify([key, .. witnesses]).IsValid ? ExitCodes.Invalid : ExitCodes.Ok;
    }

    private async Task<int> LogProofAsync(LogSource source, string apiRoot, string collection, string objectId, string? version, long? treeSize,
        CancellationToken cancellationToken)
    {
        if (treeSize is < 1)
        {
            await _stderr.WriteLineAsync("detente: --size is a tree size of at least 1.");
            return ExitCodes.Unusable;
        }

        NoteVerifierKey key = await LogVerifierKeyAsync(source, cancellationToken);
        LogProof? proof;
        StixObject? stixObject;
        if (source.Url is { } url)
        {
            using HttpClient http = LogHttp(source);
            ProofAnswer answer = await new NodeLogClient(http, url).GetProofAsync(apiRoot, collection, objectId, version, treeSize, cancellationToken);
            if (answer.Status != HttpStatusCode.OK)
            {
                await _stderr.WriteLineAsync($"detente: the node answered {(int)answer.Status}: {answer.Body}");
                return answer.Status is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable ? ExitCodes.Invalid : ExitCodes.Unusable;
            }

            if (answer.Proof is null)
            {
                await _stderr.WriteLineAsync("detente: " + answer.Problem);
                return ExitCodes.Invalid;
            }

            proof = answer.Proof;
            stixObject = await FetchObjectAsync(http, url, apiRoot, collection, objectId, proof.Version, cancellationToken);
        }
        else
        {
            (proof, stixObject, string? why) = await LocalProofAsync(source, apiRoot, collection, objectId, version, treeSize, cancellationToken);
            if (proof is null)
            {
                await _stderr.WriteLineAsync("detente: " + why);
                return ExitCodes.Invalid;
            }
        }

        await _stdout.WriteLineAsync(Encoding.UTF8.GetString(proof.ToJson()));
        string? failure = proof.Verify(key, stixObject);
        if (failure is not null)
        {
            await _stderr.WriteLineAsync("detente: the proof does not verify: " + failure);
            return ExitCodes.Invalid;
        }

        string commits = stixObject is null ? string.Empty : ", and commits to the object with its salt";
        await _stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"verified: leaf {proof.LeafIndex} of {proof.TreeSize} is in the checkpoint signed by {key.Name}{commits}"));
        return ExitCodes.Ok;
    }

    private async Task<(LogProof? Proof, StixObject? Object, string? Why)> LocalProofAsync(LogSource source, string apiRoot, string collection,
        string objectId, string? version, long? treeSize, CancellationToken cancellationToken)
    {
        IStore store = await NodeAdmin.OpenExistingStoreAsync(source.DataFolder, source.Postgres, _timeProvider, cancellationToken);
        await using (store)
        {
            Collection? found = Guid.TryParse(collection, out Guid id)
                ? await store.GetCollectionAsync(id, cancellationToken)
                : await store.GetCollectionByAliasAsync(apiRoot, collection, cancellationToken);
            if (found is null)
            {
                return (null, null, $"no collection '{collection}' in API root '{apiRoot}'.");
            }

            VersionFilter versions = VersionFilter.Last;
            if (version is not null && (!VersionFilter.TryParse(version, out versions) || versions.IncludeAll || versions.IsEmpty))
            {
                return (null, null, "--version is one STIX timestamp, first or last.");
            }

            StoredObject? stored = null;
            await foreach (StoredObject o in store.ReadObjectsAsync(found.Id, ObjectFilter.None with { Ids = [objectId], Versions = versions },
                cancellationToken: cancellationToken))
            {
                stored = o;
                break;
            }

            if (stored is null)
            {
                return (null, null, $"no such object version in collection {found.Id}.");
            }

            (LogProofStatus status, LogProof? proof) = await LogProof.CreateAsync(store, found.Id, stored, treeSize, cancellationToken);
            return status switch
            {
                LogProofStatus.Ok => (proof, new StixReader().ReadObject(stored.Json.Span), null),
                LogProofStatus.NotLogged => (null, null, "this version has no log entry yet (start the node once)."),
                LogProofStatus.NoSuchCheckpoint => (null, null, $"the log never had a checkpoint of size {treeSize}."),
                LogProofStatus.NotInTree => (null, null, $"the tree of size {treeSize} does not hold this version's entry."),
                _ => (null, null, "this version is logged but no checkpoint covers it yet; ask again in a second."),
            };
        }
    }

    private static async Task<StixObject?> FetchObjectAsync(HttpClient http, Uri url, string apiRoot, string collection, string objectId, string version,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url,
            $"taxii2/{Uri.EscapeDataString(apiRoot)}/collections/{Uri.EscapeDataString(collection)}/objects/{Uri.EscapeDataString(objectId)}/?match[version]={Uri.EscapeDataString(version)}"));
        request.Headers.Accept.ParseAdd("application/taxii+json;version=2.1");
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        Taxii.TaxiiEnvelope envelope = new Taxii.TaxiiReader().ReadEnvelope(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        return envelope.Objects.Count == 1 ? new StixReader().ReadObject(envelope.Objects[0].Json.Span) : null;
    }

    private async Task<int> LogVerifyAsync(LogSource source, string? pinnedFile, string[] witnessTexts, string? maxAgeText,
        CancellationToken cancellationToken)
    {
        if (await ReadWitnessKeysAsync(witnessTexts) is not { } witnesses)
        {
            return ExitCodes.Unusable;
        }

        TimeSpan? maxAge = null;
        if (maxAgeText is not null)
        {
            if (!TryParseDuration(maxAgeText, out TimeSpan parsed))
            {
                await _stderr.WriteLineAsync("detente: --max-age is a whole number of seconds, minutes, hours or days: 90s, 10m, 2h, 1d.");
                return ExitCodes.Unusable;
            }

            maxAge = parsed;
        }

        if ((maxAge is null) != (witnesses.Length == 0))
        {
            await _stderr.WriteLineAsync("detente: --max-age and --witness go together: freshness is judged by trusted witnesses' cosignatures.");
            return ExitCodes.Unusable;
        }

        NoteVerifierKey key = await LogVerifierKeyAsync(source, cancellationToken);
        Checkpoint? pinned = null;
        if (pinnedFile is not null)
        {
            SignedNote note = SignedNote.Parse(await File.ReadAllBytesAsync(pinnedFile, cancellationToken));
            NoteVerification verification = note.Verify([key]);
            if (!verification.IsValid)
            {
                await _stderr.WriteLineAsync("detente: the pinned checkpoint's signature does not verify: " + verification.Message);
                return ExitCodes.Invalid;
            }

            pinned = Checkpoint.FromNote(note);
        }

        LogAuditResult audit = await WithLogTilesAsync(source,
            tiles => new LogAuditor([key], key.Name).AuditAsync(tiles, pinned, cancellationToken), cancellationToken);
        foreach (string check in audit.Checks)
        {
            await _stdout.WriteLineAsync(check);
        }

        await _stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{audit.EntriesChecked} entries, {audit.BundlesChecked} bundles, {audit.TilesChecked} tiles checked"));
        if (audit.Discrepancy is { } discrepancy)
        {
            await _stderr.WriteLineAsync("detente: the log does not verify: " + discrepancy);
            return ExitCodes.Invalid;
        }

        if (maxAge is { } age)
        {
            ReadOnlyMemory<byte>? served = await WithLogTilesAsync(source, tiles => tiles.ReadCheckpointAsync(cancellationToken).AsTask(), cancellationToken);
            SignedNote note = SignedNote.Parse(served!.Value.Span);
            if (Checkpoint.FromNote(note).Size != audit.Checkpoint!.Size)
            {
                // The log moved on while it was walked: judge the checkpoint that was audited only if it is still the latest.
                await _stdout.WriteLineAsync("the log moved on during the walk; freshness is judged on its latest checkpoint");
            }

            FreshnessResult freshness = Freshness.Check(note, witnesses, age, _timeProvider);
            await WriteCosignersAsync(note, key, witnesses);
            if (freshness.IsStalled)
            {
                await _stderr.WriteLineAsync("detente: STALLED: " + key.Name + ": " + freshness.Message);
                return ExitCodes.Invalid;
            }

            await _stdout.WriteLineAsync(freshness.Message);
        }

        await _stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"OK: {key.Name} at size {audit.Checkpoint!.Size}, root {audit.Checkpoint.RootHash}"));
        return ExitCodes.Ok;
    }

    /// <summary>Reads a duration: a whole number followed by s, m, h or d (90s, 10m, 2h, 1d), up to 10 years.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text.Length is < 2 or > 12 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n <= 0
            || n > 10L * 366 * 86_400)
        {
            return false;
        }

        long seconds = text[^1] switch
        {
            's' => n,
            'm' => n * 60,
            'h' => n * 3_600,
            'd' => n * 86_400,
            _ => -1,
        };
        if (seconds <= 0 || seconds > 10L * 366 * 86_400)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>The verifier key: --key; else, for a data folder, the node key and the stored origin; else the node's /log/key.</summary>
    private async Task<NoteVerifierKey> LogVerifierKeyAsync(LogSource source, CancellationToken cancellationToken)
    {
        if (source.Key is not null)
        {
            return NoteVerifierKey.Parse(source.Key);
        }

        if (source.Url is { } url)
        {
            using HttpClient http = LogHttp(source);
            string text = await new NodeLogClient(http, url).ReadKeyAsync(cancellationToken);
            await _stderr.WriteLineAsync("detente: checking against the key the node itself names (" + text + "); pin it with --key.");
            return NoteVerifierKey.Parse(text);
        }

        string keyFile = Path.Combine(source.DataFolder, NodeDataFolder.KeyFileName);
        if (!File.Exists(keyFile))
        {
            throw new NodeConfigurationException($"No node key in '{Path.GetFullPath(source.DataFolder)}': run 'detente serve --data {source.DataFolder}' first.");
        }

        (StixSigningKey nodeKey, _) = NodeDataFolder.Open(source.DataFolder).LoadOrCreateKey();
        using (nodeKey)
        {
            string? origin = await WithLogStoreAsync(source, store => store.GetLogOriginAsync(cancellationToken), cancellationToken);
            if (origin is null)
            {
                throw new NodeConfigurationException("The log has no origin yet: start the node once.");
            }

            return new NoteSigner(origin, nodeKey).VerifierKey;
        }
    }

    private async Task<T> WithLogStoreAsync<T>(LogSource source, Func<IStore, Task<T>> action, CancellationToken cancellationToken)
    {
        IStore store = await NodeAdmin.OpenExistingStoreAsync(source.DataFolder, source.Postgres, _timeProvider, cancellationToken);
        await using (store)
        {
            return await action(store);
        }
    }

    private async Task<T> WithLogTilesAsync<T>(LogSource source, Func<ITileStore, Task<T>> action, CancellationToken cancellationToken)
    {
        if (source.Url is { } url)
        {
            using HttpClient http = LogHttp(source);
            return await action(new NodeLogClient(http, url));
        }

        return await WithLogStoreAsync(source, store => action(new CosignedTileStore(store)), cancellationToken);
    }

    private static HttpClient LogHttp(LogSource source)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", source.Token);
        return http;
    }

    /// <summary>A store's log tiles, with its checkpoint read as the node serves it (cosignatures appended).</summary>
    private sealed class CosignedTileStore(IStore store) : ITileStore
    {
        public ValueTask<ReadOnlyMemory<byte>?> ReadTileAsync(TilePath path, CancellationToken cancellationToken = default) =>
            store.LogTiles.ReadTileAsync(path, cancellationToken);

        public async ValueTask<ReadOnlyMemory<byte>?> ReadCheckpointAsync(CancellationToken cancellationToken = default) =>
            await CosignedCheckpoint.ReadAsync(store, cancellationToken).ConfigureAwait(false);

        public ValueTask<bool> TryCommitAsync(LogCommit commit, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The log is read-only here.");
    }
}
