using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Detente.Node;
using Detente.Node.Sync;
using Detente.Stix;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Storage.Sqlite;
using Detente.Taxii;
using Detente.Taxii.Client;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Detente.Cli.Demo;

/// <summary>What <c>detente demo</c> was asked for.</summary>
/// <param name="Directory">The folder for the nodes' data folders; null makes a fresh temporary folder.</param>
/// <param name="Keep">Keep the temporary folder at the end.</param>
/// <param name="Timeout">The bound on the whole run.</param>
internal sealed record DemoSettings(string? Directory, bool Keep, TimeSpan Timeout);

/// <summary>A step of the demo could not go on (a node refused a command the scenario needs).</summary>
internal sealed class DemoStepException : Exception
{
    public DemoStepException()
    {
    }

    public DemoStepException(string message)
        : base(message)
    {
    }

    public DemoStepException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// One run of <c>detente demo</c>: three nodes on loopback, wired by their operators' commands, seeded, synced with the audit
/// of each partner's log, a match of telemetry against what each holds, and one node caught rewriting its history. Every
/// outcome the report states is checked; the exit code says whether all happened as expected.
/// </summary>
internal sealed partial class DemoRun(DemoSettings settings, TextWriter output, TextWriter error, TimeProvider clock)
{
    /// <summary>Zeek events that hit nothing, mixed with the planted hits.</summary>
    internal const int NoiseEvents = 3_000;

    private readonly List<DemoNode> _nodes = [];
    private readonly List<string> _failures = [];
    private readonly Dictionary<(string From, string To), string> _tokens = [];
    private readonly Dictionary<string, string> _logKeys = new(StringComparer.Ordinal);
    private int _checks;
    private string _root = string.Empty;

    [GeneratedRegex("dtn_[0-9a-f]{16}_[A-Za-z0-9_-]{43}")]
    private static partial Regex TokenPattern();

    private DemoNode Node(string name) => _nodes.First(n => n.Name == name);

    /// <summary>Runs the demo and prints its report; 0 when every expected outcome happened, 1 when one did not, 2 when it could not run.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        bool temporary = settings.Directory is null;
        _root = Path.GetFullPath(settings.Directory ?? Path.Combine(Path.GetTempPath(), "detente-demo-" + Guid.NewGuid().ToString("N")[..12]));
        if (!temporary && Directory.Exists(_root) && Directory.EnumerateFileSystemEntries(_root).Any())
        {
            await error.WriteLineAsync($"detente: '{_root}' is not empty: the demo starts its nodes in a new or empty folder.");
            return ExitCodes.Unusable;
        }

        CreatePrivateDirectory(_root);
        using var timeout = new CancellationTokenSource(settings.Timeout, clock);
        using var interrupt = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, interrupt.Token);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Interrupt(c, interrupt));
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Interrupt(c, interrupt));
        string? stopped = null;
        try
        {
            await WriteAsync("Detente demo: three nodes on 127.0.0.1, each its own organization, data folder, keys and tokens.");
            await WriteAsync($"Data folders under {_root}" + (temporary && !settings.Keep ? " (removed at the end; --keep keeps them)." : "."));
            await StartNodesAsync(stop.Token);
            await WireAsync(stop.Token);
            IReadOnlyDictionary<string, IReadOnlyList<DemoObject>> seeds = await PublishAsync(stop.Token);
            await SyncEveryPairAsync(stop.Token);
            await ReportReceivedAsync(seeds, stop.Token);
            await ReportWitnessesAsync(stop.Token);
            await MatchAsync(seeds, stop.Token);
            await TamperAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            stopped = timeout.IsCancellationRequested
                ? string.Create(CultureInfo.InvariantCulture, $"the demo took longer than {settings.Timeout.TotalSeconds:0} s and was stopped")
                : "the demo was interrupted";
        }
        catch (Exception e) when (e is DemoStepException or HttpRequestException or TaxiiException or TaxiiFormatException or StoreException
            or NodeConfigurationException or IOException or SqliteException or InvalidOperationException or TaskCanceledException)
        {
            stopped = "the demo could not go on: " + e.Message;
        }
        finally
        {
            for (int i = _nodes.Count - 1; i >= 0; i--)
            {
                await _nodes[i].DisposeAsync();
            }

            if (temporary && !settings.Keep)
            {
                Directory.Delete(_root, recursive: true);
            }
        }

        return await OutcomeAsync(stopped, temporary && !settings.Keep);
    }

    private static void Interrupt(PosixSignalContext context, CancellationTokenSource interrupt)
    {
        // Stop the demo's work and let it shut its nodes down and clean up, rather than end the process now.
        context.Cancel = true;
        interrupt.Cancel();
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    // ---- 1. Nodes ----

    private async Task StartNodesAsync(CancellationToken cancellationToken)
    {
        await SectionAsync(1, "Three nodes start");
        foreach (string name in DemoContent.Nodes)
        {
            _nodes.Add(await DemoNode.StartAsync(name, Path.Combine(_root, name), clock, cancellationToken));
        }

        await TableAsync([["NODE", "LISTENS ON", "STIX IDENTITY", "NODE KEY", "LOG ORIGIN"],
            .. _nodes.Select(n => new[] { n.Name, n.Url.AbsoluteUri, n.Signing.IdentityId, Short(n.Key.KeyId, 16), n.Origin })]);
    }

    // ---- 2. Partnerships, with the operators' own commands ----

    private async Task WireAsync(CancellationToken cancellationToken)
    {
        await SectionAsync(2, "The operators wire the partnerships (each command runs on that node's data folder; tokens are not shown)");
        foreach (DemoNode issuer in _nodes)
        {
            _logKeys[issuer.Name] = (await CliAsync(issuer, cancellationToken, "log", "key")).Trim();
            foreach (DemoNode reader in _nodes.Where(n => n != issuer))
            {
                string created = await CliAsync(issuer, cancellationToken, "token", "create", "--principal", reader.Name, "--role", "partner", "--expires", "1d");
                _tokens[(issuer.Name, reader.Name)] = TokenPattern().Match(created) is { Success: true } m ? m.Value
                    : throw new DemoStepException($"{issuer.Name}: 'token create' printed no token.");
                await CliAsync(issuer, cancellationToken, "collection", "grant", "default", reader.Name, "--read");
            }
        }

        foreach (DemoNode node in _nodes)
        {
            foreach (DemoNode partner in _nodes.Where(n => n != node))
            {
                await CliAsync(node, cancellationToken, "partner", "add", partner.Name, "--identity", partner.Signing.IdentityId,
                    "--key", Convert.ToHexStringLower(partner.Key.VerificationKey.RawPublicKey.Span), "--url", partner.Url.AbsoluteUri,
                    "--token", _tokens[(partner.Name, node.Name)], "--log-key", _logKeys[partner.Name]);
                string inbox = "from-" + partner.Name;
                await CliAsync(node, cancellationToken, "collection", "create", "--title", "Received from " + partner.Name, "--alias", inbox);
                node.Inbox[partner.Name] = (await NodeAdmin.FindCollectionAsync(node.Store, inbox, cancellationToken: cancellationToken))?.Id
                    ?? throw new DemoStepException($"{node.Name}: the collection {inbox} was not created.");
                await CliAsync(node, cancellationToken, "partner", "subscribe", partner.Name, partner.DefaultCollection.ToString("D"), "--into", inbox);
                await CliAsync(node, cancellationToken, "witness", "add", _logKeys[partner.Name]);
            }

            foreach (string partner in DemoContent.CollectionPartners(node.Name))
            {
                await CliAsync(node, cancellationToken, "collection", "partner", "add", "default", partner);
            }

            foreach ((string group, string marking, string[] members) in DemoContent.Groups(node.Name))
            {
                await CliAsync(node, cancellationToken, "group", "add", group, "--marking", marking);
                foreach (string member in members)
                {
                    await CliAsync(node, cancellationToken, "group", "member", "add", group, member);
                }
            }

            // A running node picks these changes up within 2 s; the demo applies them now.
            await node.RefreshSharingAsync(cancellationToken);
        }
    }

    /// <summary>Runs a <c>detente</c> command on a node's data folder, as its operator would, and prints it.</summary>
    private async Task<string> CliAsync(DemoNode node, CancellationToken cancellationToken, params string[] args) =>
        (await CliAsync(node, [ExitCodes.Ok], cancellationToken, args)).Output;

    private async Task<(int Exit, string Output)> CliAsync(DemoNode node, int[] expectedExits, CancellationToken cancellationToken, params string[] args)
    {
        await WriteAsync($"  {node.Name}$ detente {string.Join(' ', args.Select(Shown))}");
        using var commandOutput = new StringWriter(CultureInfo.InvariantCulture);
        using var commandError = new StringWriter(CultureInfo.InvariantCulture);
        int exit = await new DetenteCli(Stream.Null, commandOutput, commandError, clock).RunAsync([.. args, "--data", node.Folder.Path], cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (!expectedExits.Contains(exit))
        {
            throw new DemoStepException($"{node.Name}: 'detente {string.Join(' ', args.Take(2))}' exited with {exit}: {commandError.ToString().Trim()}");
        }

        return (exit, commandOutput.ToString());
    }

    /// <summary>An argument as the report shows it: tokens hidden, long keys and ids shortened.</summary>
    private static string Shown(string arg) => arg.StartsWith("dtn_", StringComparison.Ordinal) ? "dtn_…" : arg.Length > 48 ? Short(arg, 40) : arg;

    private static string Short(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    // ---- 3. Content ----

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<DemoObject>>> PublishAsync(CancellationToken cancellationToken)
    {
        await SectionAsync(3, "Each node's analysts post their own intelligence through TAXII (the node signs it as its identity and logs it)");
        var seeds = new Dictionary<string, IReadOnlyList<DemoObject>>(StringComparer.Ordinal);
        var rows = new List<string[]> { new[] { "NODE", "OBJECTS", "CLEAR", "GREEN", "AMBER", "AMBER+GROUP", "AMBER+STRICT", "RED", "LOG ENTRIES" } };
        foreach (DemoNode node in _nodes)
        {
            IReadOnlyList<DemoObject> seed = DemoContent.Seed(node.Name);
            seeds[node.Name] = seed;
            await PostAsync(node, seed, cancellationToken);
            string Count(DemoTlp tlp, bool group) => seed.Count(o => o.Tlp == tlp && (o.Group is not null) == group).ToString(CultureInfo.InvariantCulture);
            rows.Add([node.Name, seed.Count.ToString(CultureInfo.InvariantCulture), Count(DemoTlp.Clear, false), Count(DemoTlp.Green, false),
                Count(DemoTlp.Amber, false), Count(DemoTlp.Amber, true), Count(DemoTlp.AmberStrict, false), Count(DemoTlp.Red, false),
                (await node.Store.GetLogSizeAsync(cancellationToken)).ToString(CultureInfo.InvariantCulture)]);
        }

        await TableAsync(rows);
        return seeds;
    }

    private async Task PostAsync(DemoNode node, IReadOnlyList<DemoObject> objects, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var client = new TaxiiClient(http, node.Url, new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer(node.AdminToken) });
        TaxiiEnvelope envelope = new TaxiiReader().ReadEnvelope(Encoding.UTF8.GetBytes("{\"objects\":[" + string.Join(",", objects.Select(o => o.Json)) + "]}"));
        TaxiiStatus status = await client.AddObjectsAsync(NodeOptions.ApiRootUrl(node.Url, NodeBootstrap.DefaultApiRootName), node.DefaultCollection.ToString("D"),
            envelope, cancellationToken);
        if (status.SuccessCount != objects.Count)
        {
            throw new DemoStepException(string.Create(CultureInfo.InvariantCulture,
                $"{node.Name} stored {status.SuccessCount} of the {objects.Count} objects posted (status {status.Id})."));
        }
    }

    // ---- 4. Sync ----

    private async Task SyncEveryPairAsync(CancellationToken cancellationToken)
    {
        await SectionAsync(4, "Every node pulls from both partners, auditing each partner's log (checkpoint, consistency, gossip, inclusion of every object)");
        var rows = new List<string[]> { new[] { "RECEIVER", "FROM", "PAGES", "NEW", "REFUSED", "AUDIT" } };
        foreach (DemoNode node in _nodes)
        {
            foreach (DemoNode partner in _nodes.Where(n => n != node))
            {
                SyncReport report = await node.Sync.SyncAsync(partner.Name, cancellationToken: cancellationToken);
                rows.Add(SyncRow(node, report));
                Expect(report.IsClean, $"{node.Name}'s audit of {partner.Name} is clean ({report.Alarm})");
                Expect(report.ObjectsRefused == 0, $"{node.Name} refuses nothing {partner.Name} serves");
            }
        }

        await TableAsync(rows);
    }

    private static string[] SyncRow(DemoNode node, SyncReport report) =>
    [
        node.Name, report.Partner, report.Pages.ToString(CultureInfo.InvariantCulture), report.ObjectsNew.ToString(CultureInfo.InvariantCulture),
        report.ObjectsRefused.ToString(CultureInfo.InvariantCulture),
        report.IsClean ? string.Create(CultureInfo.InvariantCulture, $"clean: log verified at size {report.VerifiedSize}") : "ALARM " + Short(report.Alarm!, 90),
    ];

    // ---- 5. What each received, and why not ----

    private async Task ReportReceivedAsync(IReadOnlyDictionary<string, IReadOnlyList<DemoObject>> seeds, CancellationToken cancellationToken)
    {
        await SectionAsync(5, "What each node received, and what it did not and why (the sender's policy decision, as 'detente policy explain' prints it)");
        foreach (DemoNode receiver in _nodes)
        {
            foreach (DemoNode sender in _nodes.Where(n => n != receiver))
            {
                var rows = new List<string[]>();
                int received = 0;
                foreach (DemoObject o in seeds[sender.Name])
                {
                    bool held = await receiver.Store.ContainsObjectAsync(receiver.Inbox[sender.Name], o.Id, cancellationToken);
                    ExplainedVersion decision = (await PolicyExplain.ExplainAsync(sender.Store, o.Id, receiver.Name, sender.DefaultCollection, clock,
                        sender.Signing.IdentityId, cancellationToken)).Last();
                    received += held ? 1 : 0;
                    rows.Add(["   ", held ? "received" : "withheld", o.Label, o.Type, o.Name, decision.Reason]);
                    Expect(held == decision.Allowed, $"{receiver.Name} holds {sender.Name}'s '{o.Name}' exactly when {sender.Name}'s policy allows it");
                    Expect(held == o.Readers.Contains(receiver.Name),
                        $"{receiver.Name} {(o.Readers.Contains(receiver.Name) ? "receives" : "does not receive")} {sender.Name}'s {o.Label} '{o.Name}'");
                }

                await WriteAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{receiver.Name} from {sender.Name}: received {received} of {seeds[sender.Name].Count}"));
                await TableAsync(rows);
            }
        }

        int kept = 0, leaked = 0;
        foreach (DemoObject o in seeds.Values.SelectMany(s => s).Where(o => o.Tlp is DemoTlp.Red or DemoTlp.AmberStrict))
        {
            kept++;
            foreach (DemoNode other in _nodes.Where(n => n.Name != o.Origin))
            {
                if (await other.HoldsAsync(o.Id, cancellationToken))
                {
                    leaked++;
                    Expect(false, $"{o.Label} '{o.Name}' of {o.Origin} never leaves it, but {other.Name} holds it");
                }
            }
        }

        _checks++;
        await WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"TLP:RED and TLP:AMBER+STRICT objects: {kept}; held by a node other than their producer: {leaked}."));
    }

    // ---- 6. Witnesses ----

    private async Task ReportWitnessesAsync(CancellationToken cancellationToken)
    {
        await SectionAsync(6, "Each node, as a witness, cosigned the partner checkpoints it audited ('detente witness add' named their logs)");
        var rows = new List<string[]> { new[] { "WITNESS", "LOG", "COSIGNED SIZE", "PINNED SIZE" } };
        foreach (DemoNode node in _nodes)
        {
            IReadOnlyList<WitnessedLogRecord> witnessed = await node.Store.ListWitnessedLogsAsync(cancellationToken);
            foreach (DemoNode partner in _nodes.Where(n => n != node))
            {
                long? cosigned = witnessed.FirstOrDefault(w => w.Origin == partner.Origin)?.Size;
                long? pinned = (await node.Store.GetPartnerLogAsync(partner.Name, cancellationToken))?.Size;
                rows.Add([node.Name, partner.Origin, cosigned?.ToString(CultureInfo.InvariantCulture) ?? "-", pinned?.ToString(CultureInfo.InvariantCulture) ?? "-"]);
                Expect(cosigned is > 0 && cosigned == pinned, $"{node.Name} cosigned {partner.Name}'s checkpoint at the size it verified");
            }
        }

        await TableAsync(rows);
    }

    // ---- 7. Match ----

    private async Task MatchAsync(IReadOnlyDictionary<string, IReadOnlyList<DemoObject>> seeds, CancellationToken cancellationToken)
    {
        await SectionAsync(7, "Each node matches the same day of Zeek telemetry against every indicator it now holds ('detente match --format zeek')");
        List<DemoObject> all = [.. seeds.Values.SelectMany(s => s)];
        string folder = Path.Combine(_root, "match");
        CreatePrivateDirectory(folder);
        string telemetry = Path.Combine(folder, "zeek.log");
        await File.WriteAllTextAsync(telemetry, DemoContent.Telemetry(all, NoiseEvents), cancellationToken);
        var hits = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var summaries = new List<string>();
        foreach (DemoNode node in _nodes)
        {
            string indicators = Path.Combine(folder, node.Name + "-indicators.jsonl");
            int count = await WriteIndicatorsAsync(node, indicators, cancellationToken);
            (int exit, string output, string summary) = await MatchOneAsync(node, indicators, telemetry, cancellationToken);
            Expect(exit == ExitCodes.Ok, $"{node.Name}'s match runs and finds hits (exit {exit})");
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using JsonDocument hit = JsonDocument.Parse(line);
                string id = hit.RootElement.GetProperty("indicator_id").GetString()!;
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }

            hits[node.Name] = counts;
            summaries.Add(string.Create(CultureInfo.InvariantCulture, $"{node.Name}: {count} indicators held; {summary}"));
            foreach (DemoObject o in all.Where(o => o.Type == "indicator"))
            {
                int expected = o.Origin == node.Name || o.Readers.Contains(node.Name) ? o.Hits.Count : 0;
                Expect(counts.GetValueOrDefault(o.Id) == expected,
                    string.Create(CultureInfo.InvariantCulture, $"{node.Name} has {expected} hits on {o.Origin}'s '{o.Name}' (found {counts.GetValueOrDefault(o.Id)})"));
            }

            Expect(counts.Keys.All(id => all.Any(o => o.Id == id)), $"{node.Name}'s hits are all on seeded indicators");
        }

        var rows = new List<string[]> { (string[])["INDICATOR", "FROM", "TLP", .. _nodes.Select(n => n.Name)] };
        foreach (DemoObject o in all.Where(o => o.Type == "indicator"))
        {
            rows.Add([o.Name, o.Origin, o.Label, .. _nodes.Select(n => hits[n.Name].TryGetValue(o.Id, out int c) ? c.ToString(CultureInfo.InvariantCulture) : "-")]);
        }

        rows.Add(["total", string.Empty, string.Empty, .. _nodes.Select(n => hits[n.Name].Values.Sum().ToString(CultureInfo.InvariantCulture))]);
        await TableAsync(rows);
        foreach (string summary in summaries)
        {
            await WriteAsync(summary);
        }
    }

    /// <summary>Writes the latest version of every indicator the node holds, in every collection, as JSON lines.</summary>
    private static async Task<int> WriteIndicatorsAsync(DemoNode node, string path, CancellationToken cancellationToken)
    {
        int count = 0;
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        foreach (Guid collection in node.Inbox.Values.Prepend(node.DefaultCollection))
        {
            await foreach (StoredObject o in node.Store.ReadObjectsAsync(collection, ObjectFilter.None with { Types = ["indicator"] },
                cancellationToken: cancellationToken))
            {
                await file.WriteAsync(o.Json, cancellationToken);
                file.WriteByte((byte)'\n');
                count++;
            }
        }

        return count;
    }

    private async Task<(int Exit, string Output, string Summary)> MatchOneAsync(DemoNode node, string indicators, string telemetry,
        CancellationToken cancellationToken)
    {
        using var hitLines = new StringWriter(CultureInfo.InvariantCulture);
        using var summary = new StringWriter(CultureInfo.InvariantCulture);
        string[] args = ["match", "--indicators", indicators, "--telemetry", telemetry, "--format", "zeek"];
        await WriteAsync($"  {node.Name}$ detente match --indicators {Path.GetFileName(indicators)} --telemetry zeek.log --format zeek");
        int exit = await new DetenteCli(Stream.Null, hitLines, summary, clock) { StderrIsTerminal = false }.RunAsync(args, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        string last = summary.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
        return (exit, hitLines.ToString(), last.StartsWith("detente: ", StringComparison.Ordinal) ? last["detente: ".Length..] : last);
    }

    // ---- 8. Tamper ----

    private async Task TamperAsync(CancellationToken cancellationToken)
    {
        await SectionAsync(8, "ru-cert rewrites its own history, and both partners catch it");
        DemoNode cheat = Node(DemoContent.RuCert);
        DemoNode[] honest = [.. _nodes.Where(n => n != cheat)];
        IReadOnlyList<DemoObject> update = DemoContent.Update();
        await PostAsync(cheat, update, cancellationToken);
        DemoObject target = update[0];
        await WriteAsync($"ru-cert posts {update.Count} more objects; they are logged. Then its operator edits one of them in ru-cert's own database:");
        string before = "192.0.2.78", after = "203.0.113.10";
        await RewriteAsync(cheat, target.Id, before, after, cancellationToken);
        await WriteAsync($"  UPDATE objects SET json = <the indicator '{target.Name}' now naming {after}, us-cert's own C2 server, instead of {before};");
        await WriteAsync("                           re-signed with ru-cert's key, so its signature holds> WHERE object_id = '" + target.Id + "'");

        await WriteAsync(string.Empty);
        await WriteAsync("us-cert and un-wg sync from ru-cert:");
        var rows = new List<string[]> { new[] { "RECEIVER", "FROM", "PAGES", "NEW", "REFUSED", "AUDIT" } };
        foreach (DemoNode node in honest)
        {
            SyncReport report = await node.Sync.SyncAsync(cheat.Name, cancellationToken: cancellationToken);
            rows.Add(SyncRow(node, report));
            Expect(report.Alarm?.StartsWith(AuditFailures.MissingObject + ":", StringComparison.Ordinal) == true,
                $"{node.Name} raises a {AuditFailures.MissingObject} alarm on ru-cert (got: {report.Alarm ?? "clean"})");
            Expect(report.Alarm?.Contains(target.Id, StringComparison.Ordinal) == true, $"{node.Name}'s alarm names the rewritten object");
        }

        await TableAsync(rows);
        await WriteAsync(string.Empty);
        await WriteAsync("The evidence each kept, and the alarm in each node's log:");
        rows = [["NODE", "PARTNER", "EVIDENCE KIND", "EVIDENCE BYTES", "LOG EVENT"]];
        foreach (DemoNode node in honest)
        {
            IReadOnlyList<AuditEvidenceRecord> evidence = await node.Store.ListAuditEvidenceAsync(cheat.Name, cancellationToken);
            (int EventId, LogLevel Level, string Message) alarm = node.Log.Entries.FirstOrDefault(e => e.EventId == 8102);
            foreach (AuditEvidenceRecord record in evidence)
            {
                rows.Add([node.Name, record.Partner, record.Kind, record.Evidence.Length.ToString(CultureInfo.InvariantCulture),
                    alarm.EventId == 0 ? "-" : $"{alarm.Level} [{alarm.EventId}] {Short(alarm.Message, 60)}"]);
            }

            Expect(evidence.Count == 1 && evidence[0].Kind == AuditFailures.MissingObject
                && Encoding.UTF8.GetString(evidence[0].Evidence.Span).Contains(after, StringComparison.Ordinal),
                $"{node.Name} keeps the rewritten object as {AuditFailures.MissingObject} evidence");
            Expect(alarm.EventId == 8102 && alarm.Level == LogLevel.Critical, $"{node.Name} logs the alarm at Critical (event 8102)");
        }

        await TableAsync(rows);
        await WriteAsync(string.Empty);
        foreach (DemoNode node in honest)
        {
            (int exit, string status) = await CliAsync(node, [ExitCodes.Ok, ExitCodes.Invalid], cancellationToken, "audit", "status");
            // Long alarm messages are cut for the table; 'detente audit evidence' prints them whole.
            await TableAsync([.. status.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t').Select(c => Short(c, 100)).ToArray())]);
            Expect(exit == ExitCodes.Invalid && status.Contains(AuditFailures.MissingObject, StringComparison.Ordinal),
                $"'detente audit status' on {node.Name} shows the alarm and exits 1");
        }

        IReadOnlyList<DemoObject> later = DemoContent.AfterTamper();
        await PostAsync(cheat, later, cancellationToken);
        await WriteAsync(string.Empty);
        await WriteAsync("ru-cert posts another object; nothing more is accepted from it while the alarm stands:");
        rows = [["RECEIVER", "FROM", "PAGES", "NEW", "REFUSED", "AUDIT"]];
        foreach (DemoNode node in honest)
        {
            SyncReport report = await node.Sync.SyncAsync(cheat.Name, cancellationToken: cancellationToken);
            rows.Add(SyncRow(node, report));
            Expect(!report.IsClean && report.ObjectsNew == 0 && report.Pages == 0, $"{node.Name} fetches nothing from ru-cert after the alarm");
            foreach (DemoObject o in update.Concat(later))
            {
                Expect(!await node.HoldsAsync(o.Id, cancellationToken), $"{node.Name} does not hold ru-cert's '{o.Name}'");
            }
        }

        foreach (DemoNode node in honest)
        {
            DemoNode other = honest.First(n => n != node);
            SyncReport report = await node.Sync.SyncAsync(other.Name, cancellationToken: cancellationToken);
            rows.Add(SyncRow(node, report));
            Expect(report.IsClean, $"{node.Name} still syncs cleanly from {other.Name}");
        }

        await TableAsync(rows);
    }

    /// <summary>The cheat: rewrites a stored, logged object behind the node's back (SQL on its SQLite database) and re-signs it
    /// with the node's key, so the only thing wrong with it is that it is not what the node logged.</summary>
    private static async Task RewriteAsync(DemoNode node, string objectId, string before, string after, CancellationToken cancellationToken)
    {
        StoredObject? stored = null;
        await foreach (StoredObject o in node.Store.ReadObjectsAsync(node.DefaultCollection, ObjectFilter.None with { Ids = [objectId] },
            cancellationToken: cancellationToken))
        {
            stored = o;
        }

        if (stored is null)
        {
            throw new DemoStepException($"{node.Name} does not hold {objectId}.");
        }

        string text = Encoding.UTF8.GetString(stored.Json.Span);
        if (!text.Contains(before, StringComparison.Ordinal))
        {
            throw new DemoStepException($"{objectId} does not name {before}.");
        }

        StixObject rewritten = new StixReader().ReadObject(Encoding.UTF8.GetBytes(text.Replace(before, after, StringComparison.Ordinal)));
        byte[] resigned = StixSignatures.Sign(StixSignatures.Unsigned(rewritten), node.Key).Canonicalize();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(node.Folder.Path, SqliteStore.FileName),
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "UPDATE objects SET json = $json WHERE object_id = $id";
        command.Parameters.AddWithValue("$json", resigned);
        command.Parameters.AddWithValue("$id", objectId);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new DemoStepException($"The rewrite of {objectId} changed no row.");
        }
    }

    // ---- Outcome ----

    private async Task<int> OutcomeAsync(string? stopped, bool removed)
    {
        await SectionAsync(9, "Outcome");
        if (stopped is not null)
        {
            await WriteAsync("STOPPED: " + stopped + ".");
        }

        if (_failures.Count == 0 && stopped is null)
        {
            await WriteAsync(string.Create(CultureInfo.InvariantCulture, $"All {_checks} expected outcomes happened."));
        }

        foreach (string failure in _failures)
        {
            await WriteAsync("NOT AS EXPECTED: " + failure);
        }

        if (_failures.Count > 0)
        {
            await WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{_failures.Count} of {_checks} expected outcomes did not happen."));
        }

        if (!removed)
        {
            await WriteAsync($"The nodes' data folders are in {_root}: e.g. 'detente audit status --data {Path.Combine(_root, DemoContent.UsCert)}'.");
        }

        await output.FlushAsync();
        return stopped is not null ? ExitCodes.Unusable : _failures.Count > 0 ? ExitCodes.Invalid : ExitCodes.Ok;
    }

    private void Expect(bool ok, string what)
    {
        _checks++;
        if (!ok)
        {
            _failures.Add(what);
        }
    }

    // ---- Text ----

    private async Task SectionAsync(int number, string title)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{number}. {title}"));
        await output.WriteLineAsync();
    }

    private async Task WriteAsync(string line)
    {
        await output.WriteLineAsync(line);
        await output.FlushAsync();
    }

    /// <summary>Prints rows as a plain-text table: columns padded to their widest cell, two spaces apart.</summary>
    private async Task TableAsync(IReadOnlyList<string[]> rows)
    {
        // A row of one cell (a note under a row) is printed as it is and does not widen the columns.
        int columns = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        int[] widths = [.. Enumerable.Range(0, columns).Select(c => rows.Where(r => r.Length > 1).Select(r => c < r.Length ? r[c].Length : 0).DefaultIfEmpty().Max())];
        foreach (string[] row in rows)
        {
            var line = new StringBuilder();
            for (int c = 0; c < row.Length; c++)
            {
                line.Append(c == row.Length - 1 || row.Length == 1 ? row[c] : row[c].PadRight(widths[c] + 2));
            }

            await output.WriteLineAsync(line.ToString().TrimEnd());
        }

        await output.FlushAsync();
    }
}
