using System.CommandLine;
using System.Globalization;
using Detente.Ledger.Notes;
using Detente.Node;
using Detente.Node.Sync;
using Detente.Psi;
using Detente.Storage;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    private Command PsiCommand()
    {
        var initiator = new Argument<string>("A") { Description = "The initiator's set: one element per line ('ipv4-addr:198.51.100.3', 'domain-name:example.com', 'file:SHA-256:<hex>', ...)." };
        var responder = new Argument<string>("B") { Description = "The responder's set, in the same form." };
        var cardinality = new Option<bool>("--cardinality") { Description = "Learn only how many elements are common, not which." };
        var filterBits = new Option<int?>("--filter-bits")
        {
            Description = "Send the responder's set as a Golomb-compressed set with false-positive rate 2^-P (P from 1 to 32) instead of 16-byte tags.",
        };
        var pad = new Option<int>("--pad") { Description = "Pad both sets with dummies up to this size, so only it is revealed." };
        var local = new Command("local", "Run both sides of a private set intersection in this process: print the common elements of A and B "
            + "(or their number, with --cardinality) on standard output, and sizes, bytes each way and time per phase on standard error.")
        {
            initiator,
            responder,
            cardinality,
            filterBits,
            pad,
        };
        local.SetAction((result, cancellationToken) => PsiLocalAsync(result.GetValue(initiator)!, result.GetValue(responder)!, result.GetValue(cardinality),
            result.GetValue(filterBits), result.GetValue(pad), cancellationToken));
        return new Command("psi", "Private set intersection: learn what two sets share, and nothing else.") { local, PsiRunCommand() };
    }

    private Command PsiRunCommand()
    {
        var partner = new Argument<string?>("PARTNER")
        {
            Description = "The partner node to run against, as 'partner add' registered it (its URL, token, TLS settings and pinned log key). Omit it with --url.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var set = new Option<string>("--set")
        {
            Description = "The local set: 'indicators' or 'sightings' (this node's own, from --data), or a FILE of elements, one per line, as 'psi local' "
                + "reads it ('-' for standard input; ./indicators for a file of that name).",
            Required = true,
        };
        var against = new Option<string?>("--against")
        {
            Description = "The partner's set to intersect with: indicators or sightings. Default: the kind of --set, indicators for a file.",
        };
        against.AcceptOnlyFromAmong("indicators", "sightings");
        var url = new Option<string?>("--url") { Description = "Instead of PARTNER: the node's URL, e.g. https://taxii.example.org/ (with --token)." };
        var token = new Option<string?>("--token") { Description = "With --url: an API token of a principal the node lets run PSI." };
        var cardinality = new Option<bool>("--cardinality") { Description = "Learn only how many elements are common, not which." };
        var pad = new Option<int>("--pad") { Description = "Pad the local set with dummies up to this size, so that only it is revealed." };
        var logKey = new Option<string?>("--log-key")
        {
            Description = "The node's log verifier key (name+hash+base64) to check the session's log proof against. Default: the partner's pinned key; "
                + "with --url and without it, the node's own /log/key is trusted.",
        };
        var proofWait = new Option<int>("--proof-wait")
        {
            Description = "Seconds to wait for the node to seal the session's log entries and verify their inclusion proof (0: print where to fetch it later). Default 10.",
            DefaultValueFactory = static _ => 10,
        };
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var run = new Command("run", "Run a private set intersection of a local set against a partner node's set: print the common elements (or their number, "
            + "with --cardinality) on standard output, and sizes, bytes each way, the node's key and the time on standard error. The local elements leave "
            + "only blinded; the partner learns the local set's size (see --pad). The partner records the session in its transparency log; the command "
            + "prints the log entries and verifies their inclusion proof.")
        {
            partner,
            set,
            against,
            url,
            token,
            cardinality,
            pad,
            logKey,
            proofWait,
            data,
            postgres,
        };
        run.SetAction((result, cancellationToken) => PsiRunAsync(
            new PsiRunRequest(result.GetValue(partner), result.GetValue(set)!, result.GetValue(against), result.GetValue(url), result.GetValue(token),
                result.GetValue(cardinality), result.GetValue(pad), result.GetValue(logKey), result.GetValue(proofWait), result.GetValue(data)!,
                result.GetValue(postgres)),
            cancellationToken));
        return run;
    }

    private sealed record PsiRunRequest(string? Partner, string Set, string? Against, string? Url, string? Token, bool Cardinality, int Pad, string? LogKey,
        int ProofWait, string DataFolder, string? Postgres)
    {
        public bool OwnSet => Set is "indicators" or "sightings";

        public bool NeedsStore => Partner is not null || OwnSet;
    }

    private async Task<int> PsiRunAsync(PsiRunRequest request, CancellationToken cancellationToken)
    {
        string? refused = request.ProofWait is < 0 or > 3600 ? "--proof-wait is from 0 to 3600 seconds"
            : request.Pad < 0 ? "--pad is not negative"
            : request.LogKey is not null && !NoteVerifierKey.TryParse(request.LogKey, out _) ? "--log-key is not a verifier key (name+hash+base64)"
            : (request.Partner is null) == (request.Url is null) ? "name a PARTNER, or give --url and --token instead (not both)"
            : request.Url is not null && request.Token is null ? "--url needs --token"
            : request.Partner is not null && request.Token is not null ? "--token goes with --url; a partner's token is the one 'partner add' stored"
            : null;
        if (refused is not null)
        {
            await _stderr.WriteLineAsync("detente: " + refused);
            return ExitCodes.Unusable;
        }

        if (!request.NeedsStore)
        {
            return await PsiRunAsync(request, null, cancellationToken);
        }

        return await WithStoreAsync(request.DataFolder, request.Postgres, store => PsiRunAsync(request, store, cancellationToken), cancellationToken);
    }

    private async Task<int> PsiRunAsync(PsiRunRequest request, IStore? store, CancellationToken cancellationToken)
    {
        PartnerConnection connection;
        string? logKey = request.LogKey;
        if (request.Partner is { } name)
        {
            PartnerRecord? partner = (await store!.ListPartnersAsync(cancellationToken)).FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
            PartnerLogRecord? log = partner is null ? null : await store.GetPartnerLogAsync(name, cancellationToken);
            string? problem = partner is null ? $"no partner named '{name}'"
                : partner.Url is null ? $"partner {name} has no URL (partner add {name} --url …)"
                : log?.Alarm is { } alarm ? $"partner {name} stands under an audit alarm ({alarm}); nothing is taken from it until 'audit clear'"
                : null;
            if (problem is not null)
            {
                await _stderr.WriteLineAsync("detente: " + problem);
                return ExitCodes.Unusable;
            }

            try
            {
                connection = new PartnerSecrets(NodeDataFolder.Open(request.DataFolder)).Load(name, partner!.Url!);
            }
            catch (NodeConfigurationException e)
            {
                await _stderr.WriteLineAsync("detente: " + e.Message);
                return ExitCodes.Unusable;
            }

            logKey ??= log?.LogKey;
        }
        else if (!Uri.TryCreate(request.Url!.EndsWith('/') ? request.Url : request.Url + "/", UriKind.Absolute, out Uri? node)
            || (node.Scheme != Uri.UriSchemeHttps && node.Scheme != Uri.UriSchemeHttp))
        {
            await _stderr.WriteLineAsync("detente: --url is an absolute http:// or https:// URL");
            return ExitCodes.Unusable;
        }
        else
        {
            connection = new PartnerConnection { Url = node, Token = request.Token };
        }

        string againstName = request.Against ?? (request.OwnSet ? request.Set : "indicators");
        NodePsiOptions.TryParseSet(againstName, out PsiSetKind against);
        List<PsiElement>? elements;
        if (request.OwnSet)
        {
            NodePsiOptions.TryParseSet(request.Set, out PsiSetKind own);
            elements = await PsiOwnSet.BuildAsync(store!, own, cancellationToken);
            await _stderr.WriteLineAsync(FormattableString.Invariant($"psi: this node's {request.Set}: {elements.Count} elements"));
        }
        else
        {
            elements = await ReadSetAsync(request.Set, cancellationToken);
            if (elements is null)
            {
                return ExitCodes.Unusable;
            }
        }

        PsiRunReport report;
        using HttpClient http = connection.CreateHttpClient();
        var client = new PsiNodeClient(http, connection.Url, connection.Token, _timeProvider);
        try
        {
            report = await client.RunAsync(elements, against, request.Cardinality ? PsiMode.Cardinality : PsiMode.Intersection, new PsiOptions { PadTo = request.Pad },
                cancellationToken);
        }
        catch (PsiException e)
        {
            await _stderr.WriteLineAsync($"detente: {e.Message}");
            return ExitCodes.Unusable;
        }
        catch (HttpRequestException e)
        {
            await _stderr.WriteLineAsync($"detente: cannot reach {connection.Url}: {e.Message}");
            return ExitCodes.Unusable;
        }

        await WritePsiResultAsync(report.Result, request.Cardinality);
        string mode = request.Cardinality ? "cardinality" : "intersection";
        await _stderr.WriteLineAsync(FormattableString.Invariant(
            $"psi: {mode} {report.Result.Count} of local {report.InitiatorSetSize} and {againstName} {report.ResponderSetSize} (session {report.SessionId})"));
        await _stderr.WriteLineAsync(FormattableString.Invariant(
            $"psi: node key {Convert.ToHexStringLower(report.KeyCommitment.Span)} (epoch {report.KeyEpoch}), {report.Blinding.ToString().ToLowerInvariant()} blinding"));
        await _stderr.WriteLineAsync(FormattableString.Invariant($"psi: bytes sent {report.BytesSent}, received {report.BytesReceived}"));
        await _stderr.WriteLineAsync(FormattableString.Invariant(
            $"psi: ms precompute {report.Precompute.TotalMilliseconds:F0}, online {report.Online.TotalMilliseconds:F0}"));
        return await CheckPsiLogAsync(client, connection.Url, connection.Token, report, logKey, request.ProofWait, cancellationToken);
    }

    /// <summary>Prints the session's log entries from the node's receipt, then waits (up to <paramref name="proofWait"/> s) for
    /// their inclusion proof and verifies it; a proof that does not verify is exit 1.</summary>
    private async Task<int> CheckPsiLogAsync(PsiNodeClient client, Uri node, string? token, PsiRunReport report, string? logKey, int proofWait,
        CancellationToken cancellationToken)
    {
        string proofUrl = new Uri(node, $"log/proof/psi/{report.SessionId}").ToString();
        if (report.LogReceipt is not { Entries.Count: > 0 } receipt)
        {
            await _stderr.WriteLineAsync("psi: the node returned no log receipt for the session (it does not log PSI sessions to its transparency log)");
            return ExitCodes.Ok;
        }

        string leaves = string.Join(", ", receipt.Entries.Select(static e => e.LeafIndex.ToString(CultureInfo.InvariantCulture)));
        await _stderr.WriteLineAsync($"psi: logged as psi-session entries {leaves} of the node's log (outcome {report.Outcome}); proof: {proofUrl}");
        PsiSessionLogProof? proof = null;
        try
        {
            for (int waited = 0; ; waited++)
            {
                proof = await client.GetLogProofAsync(report.SessionId, cancellationToken);
                if (proof is not null || waited >= proofWait)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), _timeProvider, cancellationToken);
            }
        }
        catch (Exception e) when (e is PsiException or HttpRequestException)
        {
            await _stderr.WriteLineAsync($"detente: cannot fetch the session's log proof: {e.Message}");
            return ExitCodes.Invalid;
        }

        if (proof is null)
        {
            await _stderr.WriteLineAsync($"psi: not yet in a checkpoint; fetch {proofUrl} later (with this token) and check it against the node's log key");
            return ExitCodes.Ok;
        }

        NoteVerifierKey key;
        try
        {
            key = await LogVerifierKeyAsync(new LogSource(string.Empty, null, node, token, logKey), cancellationToken);
        }
        catch (HttpRequestException e)
        {
            await _stderr.WriteLineAsync($"detente: cannot fetch the node's log key: {e.Message}");
            return ExitCodes.Invalid;
        }

        bool sameEntries = proof.Entries.Select(static e => e.LeafIndex).SequenceEqual(receipt.Entries.Select(static e => e.LeafIndex))
            && proof.Entries.Zip(receipt.Entries).All(static p => p.First.Entry.Span.SequenceEqual(p.Second.Entry.Span));
        string? problem = proof.Verify(key) ?? (sameEntries ? null : "the proof's entries are not those of the receipt at close.");
        if (problem is not null)
        {
            await _stderr.WriteLineAsync($"detente: the session's log proof does not verify: {problem}");
            return ExitCodes.Invalid;
        }

        await _stderr.WriteLineAsync(FormattableString.Invariant(
            $"psi: log proof OK: entries {leaves} are in the checkpoint of size {proof.TreeSize} signed by {key}"));
        return ExitCodes.Ok;
    }

    /// <summary>Writes the count (cardinality mode) or the common elements, one per line, to standard output.</summary>
    private async Task WritePsiResultAsync(PsiResult result, bool cardinality)
    {
        if (cardinality)
        {
            await _stdout.WriteLineAsync(result.Count.ToString(CultureInfo.InvariantCulture));
            return;
        }

        foreach (PsiElement element in result.Intersection)
        {
            await _stdout.WriteLineAsync(element.ToString());
        }
    }

    private async Task<int> PsiLocalAsync(string initiatorPath, string responderPath, bool cardinality, int? filterBits, int pad, CancellationToken cancellationToken)
    {
        if (filterBits is < 1 or > 32 || pad < 0)
        {
            await _stderr.WriteLineAsync("detente: --filter-bits is from 1 to 32 and --pad is not negative");
            return ExitCodes.Unusable;
        }

        List<PsiElement>? a = await ReadSetAsync(initiatorPath, cancellationToken);
        List<PsiElement>? b = a is null ? null : await ReadSetAsync(responderPath, cancellationToken);
        if (a is null || b is null)
        {
            return ExitCodes.Unusable;
        }

        var options = new PsiOptions { PadTo = pad };
        PsiLocalReport report;
        try
        {
            report = PsiLocal.Run(a, b, cardinality ? PsiMode.Cardinality : PsiMode.Intersection, filterBits, options, options, _timeProvider);
        }
        catch (PsiException e)
        {
            await _stderr.WriteLineAsync($"detente: {e.Message}");
            return ExitCodes.Unusable;
        }

        await WritePsiResultAsync(report.Result, cardinality);
        string mode = cardinality ? "cardinality" : "intersection";
        string filter = filterBits is null
            ? string.Empty
            : FormattableString.Invariant($" (compressed set, false-positive rate {report.Result.FalsePositiveRate:G3} per element)");
        await _stderr.WriteLineAsync(FormattableString.Invariant(
            $"psi: {mode} {report.Result.Count} of A {report.InitiatorSetSize} and B {report.ResponderSetSize}{filter}"));
        await _stderr.WriteLineAsync(FormattableString.Invariant($"psi: bytes A->B {report.BytesToResponder}, B->A {report.BytesToInitiator}"));
        await _stderr.WriteLineAsync(FormattableString.Invariant(
            $"psi: ms prepare {report.Prepare.TotalMilliseconds:F0}, precompute {report.Precompute.TotalMilliseconds:F0}, blind {report.Blind.TotalMilliseconds:F0}, evaluate {report.Evaluate.TotalMilliseconds:F0}, finalize {report.Finalize.TotalMilliseconds:F0}, compare {report.Compare.TotalMilliseconds:F0}, online {report.Online.TotalMilliseconds:F0}"));
        return ExitCodes.Ok;
    }

    /// <summary>Reads a set file; null (with the file and line on standard error) when it cannot be used.</summary>
    private async Task<List<PsiElement>?> ReadSetAsync(string path, CancellationToken cancellationToken)
    {
        Stream? stream = OpenInput(path);
        if (stream is null)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            string text = await reader.ReadToEndAsync(cancellationToken);
            try
            {
                return PsiElementReader.ReadLines(new StringReader(text));
            }
            catch (PsiException e)
            {
                await _stderr.WriteLineAsync($"detente: {path}: {e.Message}");
                return null;
            }
        }
    }
}
