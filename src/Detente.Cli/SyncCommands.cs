using System.CommandLine;
using System.Globalization;
using System.Text;
using Detente.Node;
using Detente.Node.Sync;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Client;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    private Command SubscribeCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var partner = new Argument<string>("PARTNER") { Description = "The partner." };
        var remote = new Argument<string>("REMOTE-COLLECTION") { Description = "The collection's id (or alias) on the partner node." };
        var into = new Option<string>("--into") { Description = "The local collection to store what is received into (its id, or its alias in --api-root).", Required = true };
        var remoteRoot = new Option<string>("--remote-api-root")
        {
            Description = "The API root on the partner node. Default: " + NodeBootstrap.DefaultApiRootName,
            DefaultValueFactory = static _ => NodeBootstrap.DefaultApiRootName,
        };
        var apiRoot = new Option<string>("--api-root")
        {
            Description = "The local API root of an --into alias. Default: " + NodeBootstrap.DefaultApiRootName,
            DefaultValueFactory = static _ => NodeBootstrap.DefaultApiRootName,
        };
        var command = new Command("subscribe", "Pull a partner collection into a local collection (detente sync, or serve --sync-interval).")
        {
            partner, remote, into, remoteRoot, apiRoot, data, postgres,
        };
        command.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            Collection? target = await NodeAdmin.FindCollectionAsync(store, result.GetValue(into)!, result.GetValue(apiRoot)!, cancellationToken);
            if (target is null)
            {
                await _stderr.WriteLineAsync($"detente: no collection '{result.GetValue(into)}'.");
                return ExitCodes.Invalid;
            }

            var subscription = new SubscriptionRecord(result.GetValue(partner)!, result.GetValue(remoteRoot)!, result.GetValue(remote)!, target.Id, null);
            if (subscription.Check() is { } problem)
            {
                await _stderr.WriteLineAsync("detente: " + problem);
                return ExitCodes.Unusable;
            }

            SharingChange change = await store.SubscribeAsync(subscription, cancellationToken);
            string? refused = change switch
            {
                SharingChange.PartnerNotFound => $"no partner {subscription.Partner}.",
                SharingChange.AlreadyExists => $"{subscription.Partner} {subscription.ApiRoot}/{subscription.RemoteCollection} is subscribed already.",
                SharingChange.CollectionNotFound => "no such collection.",
                _ => null,
            };
            if (refused is not null)
            {
                await _stderr.WriteLineAsync("detente: " + refused);
                return ExitCodes.Invalid;
            }

            await _stdout.WriteLineAsync($"Subscribed: {subscription.Partner} {subscription.ApiRoot}/{subscription.RemoteCollection} into collection {target.Id:D}.");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private Command SyncCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var partner = new Argument<string?>("PARTNER") { Description = "Only this partner. Default: every partner with a subscription.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("sync",
            "Pull from partners now, auditing each one's log (checkpoint, consistency, gossip, inclusion of every object received). "
            + "Exit 0 when every audit is clean, 1 on an alarm, 2 when a partner could not be synced.")
        {
            partner, data, postgres,
        };
        command.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            NodeDataFolder folder = NodeDataFolder.Open(result.GetValue(data)!);
            NodeSyncOptions options = PartnerSecrets.SyncOptions(folder, null);
            // Like the scheduled sync in a running node: the node's witness cosigns each verified checkpoint of a log it witnesses.
            StixSigningKey? nodeKey = File.Exists(Path.Combine(folder.Path, NodeDataFolder.KeyFileName)) ? folder.LoadOrCreateKey().Key : null;
            using StixSigningKey? disposeKey = nodeKey;
            NodeWitness? witness = nodeKey is null ? null : await NodeWitness.ForStoreAsync(store, nodeKey, _timeProvider, cancellationToken);
            if (witness is not null)
            {
                options = options with { Witness = new WitnessingAudit(store, witness) };
            }

            var sync = new PartnerSync(store, options, _timeProvider);
            string? only = result.GetValue(partner);
            IEnumerable<string> partners = only is not null ? [only]
                : (await store.ListSubscriptionsAsync(cancellationToken)).Select(s => s.Partner).Distinct(StringComparer.Ordinal);
            int exit = ExitCodes.Ok;
            foreach (string name in partners)
            {
                await _stdout.WriteLineAsync($"{name}: syncing");
                SyncReport report;
                try
                {
                    report = await sync.SyncAsync(name, async (p, ct) => await _stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{p.Partner}: {p.ApiRoot}/{p.RemoteCollection} page {p.Page}: {p.Objects} objects, {p.New} new, {p.Refused} refused")), cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or TaxiiException or TaxiiFormatException or StoreException or InvalidOperationException
                    or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    await _stderr.WriteLineAsync($"detente: {name}: sync failed, nothing after the last stored page was kept: {OutgoingHttp.Describe(e)}");
                    exit = Math.Max(exit, ExitCodes.Unusable);
                    continue;
                }

                foreach (string check in report.Checks)
                {
                    await _stdout.WriteLineAsync($"{name}: {check}");
                }

                string outcome = report.IsClean
                    ? string.Create(CultureInfo.InvariantCulture, $"audit OK at log size {report.VerifiedSize}")
                    : "AUDIT ALARM: " + report.Alarm;
                await _stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: {report.Pages} pages, {report.ObjectsNew} new ({report.ObjectsRedacted} of them redacted and unproven), {report.ObjectsAlreadyPresent} already held, {report.ObjectsRefused} refused; {outcome}"));
                if (!report.IsClean)
                {
                    exit = Math.Max(exit, ExitCodes.Invalid);
                }
                else if (witness is not null && report.VerifiedSize is { } verified)
                {
                    await WriteCosignedAsync(store, witness, name, verified, cancellationToken);
                }
            }

            return exit;
        }, cancellationToken));
        return command;
    }

    /// <summary>After a clean sync of a log this node witnesses: whether its witness cosigned the verified checkpoint.</summary>
    private async Task WriteCosignedAsync(IStore store, NodeWitness witness, string partner, long verifiedSize, CancellationToken cancellationToken)
    {
        PartnerLogRecord? log = (await store.ListPartnerLogsAsync(cancellationToken)).FirstOrDefault(l => l.Partner == partner);
        if (log is null || await store.GetWitnessedLogAsync(log.LogKey.Split('+')[0], cancellationToken) is not { } witnessed)
        {
            return;
        }

        await _stdout.WriteLineAsync(witnessed.Size == verifiedSize && witnessed.RootHash is not null
            ? string.Create(CultureInfo.InvariantCulture, $"{partner}: cosigned its checkpoint of size {verifiedSize} as witness {witness.VerifierKey.Name}")
            : string.Create(CultureInfo.InvariantCulture,
                $"{partner}: the witness {witness.VerifierKey.Name} did not cosign its checkpoint of size {verifiedSize} (last cosigned: size {witnessed.Size})"));
    }

    private Command AuditCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var status = new Command("status",
            "Per partner: its pinned log, last verified size, last sync, objects received (and of them received redacted and unproven), alarm and evidence. Exit 1 when an alarm stands.")
        {
            data, postgres,
        };
        status.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            await _stdout.WriteLineAsync(string.Join('\t', "PARTNER", "LOG", "VERIFIED SIZE", "LAST SYNC", "OBJECTS RECEIVED", "REDACTED UNPROVEN", "ALARM"));
            bool alarm = false;
            foreach (PartnerLogRecord log in await store.ListPartnerLogsAsync(cancellationToken))
            {
                await _stdout.WriteLineAsync(string.Join('\t', log.Partner, log.LogKey.Split('+')[0],
                    log.Size?.ToString(CultureInfo.InvariantCulture) ?? "-", log.LastSync is { } t ? Time(t) : "never",
                    log.ObjectsReceived.ToString(CultureInfo.InvariantCulture), log.ObjectsRedacted.ToString(CultureInfo.InvariantCulture), log.Alarm ?? "-"));
                if (log.Alarm is not null)
                {
                    alarm = true;
                    foreach (AuditEvidenceRecord evidence in await store.ListAuditEvidenceAsync(log.Partner, cancellationToken))
                    {
                        await _stdout.WriteLineAsync($"  evidence {evidence.Id:D} {Time(evidence.Time)} {evidence.Kind}: {evidence.Message}");
                    }
                }
            }

            return alarm ? ExitCodes.Invalid : ExitCodes.Ok;
        }, cancellationToken));

        Option<string> showData = DataOption();
        Option<string?> showPostgres = PostgresOption();
        var showPartner = new Argument<string>("PARTNER") { Description = "The partner." };
        var show = new Command("evidence", "Print the audit evidence kept about a partner (signed checkpoints, objects and proofs as received).")
        {
            showPartner, showData, showPostgres,
        };
        show.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(showData)!, result.GetValue(showPostgres), async store =>
        {
            IReadOnlyList<AuditEvidenceRecord> all = await store.ListAuditEvidenceAsync(result.GetValue(showPartner)!, cancellationToken);
            foreach (AuditEvidenceRecord evidence in all)
            {
                await _stdout.WriteLineAsync($"=== evidence {evidence.Id:D} {Time(evidence.Time)} ===");
                await _stdout.WriteAsync(Encoding.UTF8.GetString(evidence.Evidence.Span));
            }

            return all.Count == 0 ? ExitCodes.Invalid : ExitCodes.Ok;
        }, cancellationToken));

        Option<string> clearData = DataOption();
        Option<string?> clearPostgres = PostgresOption();
        var clearPartner = new Argument<string>("PARTNER") { Description = "The partner." };
        var forget = new Option<bool>("--forget-checkpoint")
        {
            Description = "Also forget the pinned checkpoint: the next sync trusts the partner's current one (after it restored its log from a backup).",
        };
        var clear = new Command("clear", "After review, accept data from a partner again (its evidence stays).") { clearPartner, forget, clearData, clearPostgres };
        clear.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(clearData)!, result.GetValue(clearPostgres), async store =>
        {
            string name = result.GetValue(clearPartner)!;
            if (!await store.ClearAlarmAsync(name, result.GetValue(forget), cancellationToken))
            {
                await _stderr.WriteLineAsync($"detente: no pinned log for partner {name}.");
                return ExitCodes.Invalid;
            }

            await _stdout.WriteLineAsync($"The alarm on {name} is cleared; its evidence is kept.");
            return ExitCodes.Ok;
        }, cancellationToken));
        return new Command("audit", "The audit of partner logs.") { status, show, clear };
    }
}
