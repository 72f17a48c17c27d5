using System.CommandLine;
using System.Globalization;
using Detente.Ledger.Notes;
using Detente.Node;
using Detente.Stix.Signatures;
using Detente.Storage;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    /// <summary><c>detente witness add|list|remove|key</c>: the logs this node cosigns as a witness.</summary>
    private Command WitnessCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var vkey = new Argument<string>("VKEY") { Description = "The log's checkpoint verifier key, name+hash+base64 (what 'detente log key' prints); its name is the log's origin." };
        var add = new Command("add", "Witness a log: cosign its checkpoints once they verify with VKEY and are consistent with the last one cosigned.")
        {
            vkey, data, postgres,
        };
        add.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            if (!NoteVerifierKey.TryParse(result.GetValue(vkey), out NoteVerifierKey? key) || key.Type != NoteKeyType.Ed25519)
            {
                await _stderr.WriteLineAsync("detente: VKEY is an Ed25519 checkpoint verifier key, name+hash+base64 (as 'detente log key' prints it).");
                return ExitCodes.Unusable;
            }

            if (!await store.AddWitnessedLogAsync(key.Name, key.ToString(), cancellationToken))
            {
                await _stderr.WriteLineAsync($"detente: the log {key.Name} is witnessed already; remove it first to change its key.");
                return ExitCodes.Invalid;
            }

            await _stdout.WriteLineAsync($"Witnessing {key.Name} (key id {key.KeyId:x8}).");
            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> listData = DataOption();
        Option<string?> listPostgres = PostgresOption();
        var list = new Command("list", "List the witnessed logs: origin, key, last cosigned size, root and time.") { listData, listPostgres };
        list.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(listData)!, result.GetValue(listPostgres), async store =>
        {
            await _stdout.WriteLineAsync(string.Join('\t', "ORIGIN", "KEY", "SIZE", "ROOT", "COSIGNED"));
            foreach (WitnessedLogRecord log in await store.ListWitnessedLogsAsync(cancellationToken))
            {
                await _stdout.WriteLineAsync(string.Join('\t', log.Origin, log.VerifierKey, log.Size.ToString(CultureInfo.InvariantCulture),
                    log.RootHash is { } root ? Convert.ToBase64String(root.Span) : "-", log.Cosigned is { } at ? Time(at) : "-"));
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        Command remove = RemoveCommand("remove", "Stop witnessing a log and forget what was cosigned for it.", "ORIGIN", "The log's origin.",
            "witnessed log", (store, origin, ct) => store.RemoveWitnessedLogAsync(origin, ct), origin => $"No longer witnessing {origin}.");

        Option<string> keyData = DataOption();
        Option<string?> keyPostgres = PostgresOption();
        var keyCommand = new Command("key", "Print this node's witness cosignature key (name+hash+base64, type 0x04), which logs configure for it.")
        {
            keyData, keyPostgres,
        };
        keyCommand.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(keyData)!, result.GetValue(keyPostgres), async store =>
        {
            string folder = result.GetValue(keyData)!;
            if (!File.Exists(Path.Combine(folder, NodeDataFolder.KeyFileName)))
            {
                await _stderr.WriteLineAsync($"detente: no node key in '{Path.GetFullPath(folder)}'.");
                return ExitCodes.Unusable;
            }

            if (await store.GetLogOriginAsync(cancellationToken) is not { } logOrigin)
            {
                await _stderr.WriteLineAsync("detente: the node's log has no origin yet: start the node once.");
                return ExitCodes.Unusable;
            }

            (StixSigningKey nodeKey, _) = NodeDataFolder.Open(folder).LoadOrCreateKey();
            using (nodeKey)
            {
                await _stdout.WriteLineAsync(new Cosigner(NodeWitness.DefaultName(logOrigin), nodeKey).VerifierKey.ToString());
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return new Command("witness", "This node as a witness of other logs (C2SP tlog-witness): the logs it cosigns, and its key.")
        {
            add, list, remove, keyCommand,
        };
    }

    /// <summary><c>detente log witness add|list|remove</c>: the witnesses this node's log asks for cosignatures.</summary>
    private Command LogWitnessCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var url = new Option<string>("--url")
        {
            Description = "The witness's submission prefix; checkpoints go to <url>/add-checkpoint (a Detente node: https://host/log/witness).",
            Required = true,
        };
        var key = new Option<string>("--key") { Description = "The witness's cosignature key, name+hash+base64 ('detente witness key' on a Detente node).", Required = true };
        var token = new Option<string?>("--token")
        {
            Description = "The bearer token the witness needs, if any (a Detente node does). Kept in the data folder (log-witnesses/, 0600), never printed.",
        };
        var caCert = new Option<string?>("--ca-cert") { Description = "A PEM certificate to trust as the root of the witness's server certificate (its self-signed one)." };
        var clientCert = new Option<string?>("--client-cert") { Description = "A PEM client certificate for mutual TLS with the witness." };
        var clientKey = new Option<string?>("--client-key") { Description = "The PEM private key of --client-cert." };
        var add = new Command("add", "Ask a witness to cosign every checkpoint of this node's log.") { url, key, token, caCert, clientCert, clientKey, data, postgres };
        add.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            if (!NoteVerifierKey.TryParse(result.GetValue(key), out NoteVerifierKey? witnessKey) || witnessKey.Type != NoteKeyType.Cosignature)
            {
                await _stderr.WriteLineAsync("detente: --key is a witness cosignature key (type 0x04), name+hash+base64.");
                return ExitCodes.Unusable;
            }

            if (!Uri.TryCreate(result.GetValue(url), UriKind.Absolute, out Uri? prefix) || (prefix.Scheme != Uri.UriSchemeHttps && prefix.Scheme != Uri.UriSchemeHttp)
                || !string.IsNullOrEmpty(prefix.Query) || !string.IsNullOrEmpty(prefix.Fragment))
            {
                await _stderr.WriteLineAsync("detente: --url is an absolute http:// or https:// URL without query or fragment.");
                return ExitCodes.Unusable;
            }

            string? tokenText = result.GetValue(token);
            if (tokenText is not null && (tokenText.Length is 0 or > 1024 || tokenText.Any(char.IsWhiteSpace)))
            {
                await _stderr.WriteLineAsync("detente: --token is one bearer token (no spaces).");
                return ExitCodes.Unusable;
            }

            var secrets = new LogWitnessSecrets(NodeDataFolder.Open(result.GetValue(data)!));
            var record = new LogWitnessRecord { Name = witnessKey.Name, VerifierKey = witnessKey.ToString(), Url = prefix };
            if (!await store.AddLogWitnessAsync(record, cancellationToken))
            {
                await _stderr.WriteLineAsync($"detente: a witness named {witnessKey.Name} or with that key exists.");
                return ExitCodes.Invalid;
            }

            try
            {
                // Secrets of a witness removed before are not inherited.
                secrets.Delete(record.Name);
                secrets.Save(record.Name, tokenText, result.GetValue(caCert), result.GetValue(clientCert), result.GetValue(clientKey));
            }
            catch (NodeConfigurationException)
            {
                // Nothing half-done: the witness goes again with its refused settings.
                await store.RemoveLogWitnessAsync(record.Name, cancellationToken);
                throw;
            }

            await _stdout.WriteLineAsync($"Witness {witnessKey.Name} added: checkpoints go to {prefix.AbsoluteUri.TrimEnd('/')}/add-checkpoint."
                + (tokenText is null ? string.Empty : " Its token is kept in the data folder."));
            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> listData = DataOption();
        Option<string?> listPostgres = PostgresOption();
        var list = new Command("list", "List the log's witnesses: name, URL, last cosigned size and time (never the tokens).") { listData, listPostgres };
        list.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(listData)!, result.GetValue(listPostgres), async store =>
        {
            await _stdout.WriteLineAsync(string.Join('\t', "NAME", "URL", "KNOWN SIZE", "COSIGNED SIZE", "COSIGNED"));
            foreach (LogWitnessRecord w in await store.ListLogWitnessesAsync(cancellationToken))
            {
                await _stdout.WriteLineAsync(string.Join('\t', w.Name, w.Url.AbsoluteUri, w.KnownSize.ToString(CultureInfo.InvariantCulture),
                    w.CosignedSize?.ToString(CultureInfo.InvariantCulture) ?? "-", w.Cosigned is { } at ? Time(at) : "-"));
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        Command remove = RemoveCommand("remove", "Stop asking a witness; its stored cosignature is no longer served.", "NAME", "The witness's name.",
            "witness", (store, witness, ct) => store.RemoveLogWitnessAsync(witness, ct), witness => $"Witness {witness} removed.",
            (folder, witness) => new LogWitnessSecrets(NodeDataFolder.Open(folder)).Delete(witness));
        return new Command("witness", "The witnesses this node's log asks to cosign its checkpoints (C2SP tlog-witness).") { add, list, remove };
    }
}
