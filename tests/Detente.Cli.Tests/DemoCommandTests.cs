using System.Text.RegularExpressions;
using Detente.Cli.Demo;
using Detente.Stix;
using Detente.Stix.Validation;

namespace Detente.Cli.Tests;

/// <summary><c>detente demo</c>: three real nodes in process, end to end, and the outcomes its report states.</summary>
public sealed partial class DemoCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Columns();

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await new DetenteCli(new MemoryStream(), output, error).RunAsync(args, Ct);
        return (exit, output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), error.ToString());
    }

    /// <summary>The indented lines under "<paramref name="receiver"/> from <paramref name="sender"/>: received …", as cells.</summary>
    private static List<string[]> Block(string output, string receiver, string sender)
    {
        string[] lines = output.Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith($"{receiver} from {sender}: received ", StringComparison.Ordinal));
        Assert.True(start >= 0, $"no block for {receiver} from {sender}");
        return [.. lines.Skip(start + 1).TakeWhile(l => l.StartsWith("   ", StringComparison.Ordinal)).Select(l => Columns().Split(l.Trim()))];
    }

    /// <summary>The cells of the table row that starts with <paramref name="first"/> (and, when given, whose second cell is <paramref name="second"/>) in the section.</summary>
    private static string[] Row(string section, string first, string? second = null) =>
        section.Split('\n').Select(l => Columns().Split(l.Trim())).Single(c => c[0] == first && (second is null || c[1] == second));

    private static string Section(string output, int number, int next) =>
        output[output.IndexOf($"\n{number}. ", StringComparison.Ordinal)..output.IndexOf($"\n{next}. ", StringComparison.Ordinal)];

    [Fact]
    public async Task The_demo_runs_three_nodes_end_to_end_and_reports_what_each_received_matched_and_caught()
    {
        string dir = Path.Combine(Path.GetTempPath(), "detente-demo-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            (int exit, string output, string error) = await RunAsync("demo", "--dir", dir);

            Assert.True(exit == 0, output + error);
            Assert.Contains("expected outcomes happened.", output, StringComparison.Ordinal);
            Assert.DoesNotContain("NOT AS EXPECTED", output, StringComparison.Ordinal);
            Assert.DoesNotContain('\u001b', output);

            // The operators' commands, with tokens hidden.
            Assert.Contains("  un-wg$ detente partner add ru-cert --identity identity--", output, StringComparison.Ordinal);
            Assert.Contains("  us-cert$ detente group member add g-elections un-wg", output, StringComparison.Ordinal);
            Assert.DoesNotMatch("dtn_[0-9a-f]{16}_", output);

            // What each received, and the sender's policy reason for what it did not.
            string received = Section(output, 5, 6);
            Assert.Contains("un-wg from us-cert: received 6 of 8", received, StringComparison.Ordinal);
            Assert.Contains("ru-cert from us-cert: received 5 of 8", received, StringComparison.Ordinal);
            Assert.Contains("us-cert from ru-cert: received 5 of 8", received, StringComparison.Ordinal);
            Assert.Contains("un-wg from ru-cert: received 5 of 8", received, StringComparison.Ordinal);
            Assert.Contains("us-cert from un-wg: received 3 of 5", received, StringComparison.Ordinal);
            Assert.Contains(Block(output, "ru-cert", "us-cert"), c => c[0] == "withheld" && c[3] == "Scanner of election infrastructure"
                && c[4] == "denied: partner ru-cert not in sharing group g-elections");
            Assert.Contains(Block(output, "un-wg", "us-cert"), c => c[0] == "received" && c[3] == "Scanner of election infrastructure"
                && c[4] == "allowed: TLP:AMBER and partner un-wg is in sharing group g-elections");
            Assert.Contains(Block(output, "un-wg", "ru-cert"), c => c[0] == "withheld" && c[3] == "NightBear sample (MD5)"
                && c[4].StartsWith("denied: TLP:AMBER and partner un-wg is not a partner of collection ", StringComparison.Ordinal));
            Assert.Contains(Block(output, "us-cert", "ru-cert"), c => c[0] == "withheld" && c[3] == "Data encrypted for impact, internal playbook"
                && c[4] == "denied: TLP:AMBER+STRICT stays with the producing organization, never partner us-cert");

            // TLP:RED never left its node: withheld from every partner, for the policy's reason, and held nowhere else.
            foreach ((string receiver, string sender, string red) in new[]
            {
                ("ru-cert", "us-cert", "Sinkhole of a sensitive source"), ("un-wg", "us-cert", "Sinkhole of a sensitive source"),
                ("us-cert", "ru-cert", "Informant's drop server"), ("un-wg", "ru-cert", "Informant's drop server"),
                ("us-cert", "un-wg", "Observer's own honeypot"), ("ru-cert", "un-wg", "Observer's own honeypot"),
            })
            {
                string[] row = Assert.Single(Block(output, receiver, sender), c => c[3] == red);
                Assert.Equal(["withheld", "TLP:RED", "indicator", red, "denied: TLP:RED never leaves"], row);
            }

            Assert.Contains("TLP:RED and TLP:AMBER+STRICT objects: 6; held by a node other than their producer: 0.", received, StringComparison.Ordinal);

            // Every audit clean, every partner checkpoint cosigned at the size verified.
            string sync = Section(output, 4, 5);
            Assert.Equal(6, sync.Split('\n').Count(l => l.Contains("clean: log verified at size", StringComparison.Ordinal)));
            string witnesses = Section(output, 6, 7);
            string[] cosigned = Row(witnesses, "un-wg", "ru-cert.example/log");
            Assert.Equal(cosigned[2], cosigned[3]);

            // The match: each node hits exactly the indicators it holds, its own TLP:RED ones only at home.
            string match = Section(output, 7, 8);
            Assert.Equal(["Sinkhole of a sensitive source", "us-cert", "TLP:RED", "3", "-", "-"], Row(match, "Sinkhole of a sensitive source"));
            Assert.Equal(["Scanner of election infrastructure", "us-cert", "TLP:AMBER g-elections", "7", "-", "7"], Row(match, "Scanner of election infrastructure"));
            Assert.Equal(["NightBear sample (MD5)", "ru-cert", "TLP:AMBER", "5", "5", "-"], Row(match, "NightBear sample (MD5)"));
            Assert.Equal(["GreyFox loader C2 server", "us-cert", "TLP:CLEAR", "12", "12", "12"], Row(match, "GreyFox loader C2 server"));
            Assert.Equal(["total", "75", "75", "79"], Row(match, "total"));
            Assert.Contains("un-wg: 11 indicators held; match: 3089 events, 79 hits, 0 malformed;", match, StringComparison.Ordinal);

            // The tamper: both partners raise the alarm with the evidence, audit status shows it, and nothing more is accepted.
            string tamper = Section(output, 8, 9);
            string caught = tamper[..tamper.IndexOf("The evidence each kept", StringComparison.Ordinal)];
            foreach (string node in new[] { "us-cert", "un-wg" })
            {
                string[] alarm = Row(caught, node, "ru-cert");
                Assert.StartsWith("ALARM missing-object: indicator--", alarm[5], StringComparison.Ordinal);
                Assert.Equal(["missing-object"], tamper.Split('\n').Select(l => Columns().Split(l.Trim()))
                    .Where(c => c.Length == 5 && c[0] == node && c[1] == "ru-cert").Select(c => c[2]));
                Assert.Contains($"  {node}$ detente audit status", tamper, StringComparison.Ordinal);
            }

            Assert.Equal(2, tamper.Split('\n').Count(l => l.Contains("Critical [8102] Audit of partner ru-cert failed (missing-object)", StringComparison.Ordinal)));
            string afterwards = tamper[tamper.IndexOf("nothing more is accepted", StringComparison.Ordinal)..];
            Assert.Equal(["us-cert", "ru-cert", "0", "0", "0"], Row(afterwards, "us-cert", "ru-cert")[..5]);
            Assert.StartsWith("clean:", Row(afterwards, "un-wg", "us-cert")[5], StringComparison.Ordinal);

            // The nodes' data is real and kept (--dir): the alarm stands in us-cert's store.
            (int status, string statusOut, _) = await RunAsync("audit", "status", "--data", Path.Combine(dir, "us-cert"));
            Assert.Equal(1, status);
            Assert.Contains("missing-object", statusOut, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir, "match", "zeek.log")));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [Fact]
    public async Task A_demo_that_exceeds_its_time_bound_stops_with_exit_2_and_removes_its_temporary_folder()
    {
        // The run's time bound elapses when the report reaches the posts: the clock is the system's, except for the timer of
        // that bound, which fires then (a quiet machine may finish the whole demo within any real bound short enough to test).
        var clock = new TimeoutTrap(TimeSpan.FromSeconds(12345));
        using var output = new TriggerWriter("3. Each node's analysts post", clock.Fire);
        using var error = new StringWriter();
        int exit = await new DetenteCli(new MemoryStream(), output, error, clock).RunAsync(["demo", "--timeout", "12345"], Ct);

        string text = output.ToString();
        Assert.Equal(2, exit);
        Assert.Contains("STOPPED: the demo took longer than 12345 s and was stopped.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("4. Every node pulls", text, StringComparison.Ordinal);
        string folder = Regex.Match(text, "Data folders under (.+) \\(removed at the end").Groups[1].Value;
        Assert.StartsWith(Path.GetTempPath(), folder, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    /// <summary>The system's clock, except that a timer due after exactly <paramref name="bound"/> fires when <see cref="Fire"/> is called.</summary>
    private sealed class TimeoutTrap(TimeSpan bound) : TimeProvider
    {
        private readonly List<(TimerCallback Callback, object? State)> _trapped = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != bound)
            {
                return System.CreateTimer(callback, state, dueTime, period);
            }

            lock (_trapped)
            {
                _trapped.Add((callback, state));
            }

            return new Idle();
        }

        public void Fire()
        {
            lock (_trapped)
            {
                foreach ((TimerCallback callback, object? state) in _trapped)
                {
                    callback(state);
                }
            }
        }

        private sealed class Idle : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    /// <summary>A report writer that calls <paramref name="action"/> when a line with <paramref name="trigger"/> is written.</summary>
    private sealed class TriggerWriter(string trigger, Action action) : StringWriter
    {
        public override Task WriteLineAsync(string? value)
        {
            if (value?.Contains(trigger, StringComparison.Ordinal) == true)
            {
                action();
            }

            return base.WriteLineAsync(value);
        }
    }

    [Fact]
    public async Task An_interrupted_demo_stops_its_nodes_with_exit_2_and_removes_its_temporary_folder()
    {
        // Ctrl-C and SIGTERM cancel the run the way the command's token does: here, as soon as the report reaches the posts.
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var output = new TriggerWriter("3. Each node's analysts post", interrupt.Cancel);
        using var error = new StringWriter();
        int exit = await new DetenteCli(new MemoryStream(), output, error).RunAsync(["demo"], interrupt.Token);

        string text = output.ToString();
        Assert.Equal(2, exit);
        Assert.Contains("STOPPED: the demo was interrupted.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("4. Every node pulls", text, StringComparison.Ordinal);
        string folder = Regex.Match(text, "Data folders under (.+) \\(removed at the end").Groups[1].Value;
        Assert.StartsWith(Path.GetTempPath(), folder, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task A_non_empty_folder_is_refused_and_left_as_it_was()
    {
        string dir = Path.Combine(Path.GetTempPath(), "detente-demo-used-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "keep.txt"), "mine", Ct);
        try
        {
            (int exit, string output, string error) = await RunAsync("demo", "--dir", dir);
            Assert.Equal(2, exit);
            Assert.Contains("is not empty", error, StringComparison.Ordinal);
            Assert.Empty(output);
            Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void The_seeded_content_is_the_same_in_every_run_and_valid_stix()
    {
        var validator = new StixValidator(new StixValidatorOptions { PatternValidator = new Detente.Patterns.Validation.StixPatternValidator() });
        foreach (string node in DemoContent.Nodes)
        {
            IReadOnlyList<DemoObject> seed = DemoContent.Seed(node);
            Assert.Equal(seed.Select(o => o.Json), DemoContent.Seed(node).Select(o => o.Json));
            foreach (DemoObject o in seed.Concat(node == DemoContent.RuCert ? DemoContent.Update().Concat(DemoContent.AfterTamper()) : []))
            {
                ValidationReport report = validator.Validate(new StixReader().ReadObject(System.Text.Encoding.UTF8.GetBytes(o.Json)));
                Assert.True(report.Errors.Count == 0, o.Name + ": " + string.Join("; ", report.Errors.Select(e => e.Rule)));
            }

            // Every TLP level is published, RED and AMBER+STRICT to no one.
            Assert.All(seed.Where(o => o.Tlp is DemoTlp.Red or DemoTlp.AmberStrict), o => Assert.Empty(o.Readers));
            Assert.Equal([DemoTlp.Clear, DemoTlp.Green, DemoTlp.Amber, DemoTlp.AmberStrict, DemoTlp.Red], seed.Select(o => o.Tlp).Distinct().Order());
        }

        List<DemoObject> all = [.. DemoContent.Nodes.SelectMany(DemoContent.Seed)];
        string telemetry = DemoContent.Telemetry(all, DemoRun.NoiseEvents);
        Assert.Equal(telemetry, DemoContent.Telemetry(all, DemoRun.NoiseEvents));
        Assert.Equal(DemoRun.NoiseEvents + all.Sum(o => o.Hits.Count), telemetry.Count(c => c == '\n'));
    }
}
