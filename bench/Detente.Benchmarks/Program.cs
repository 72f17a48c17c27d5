using BenchmarkDotNet.Running;
using Detente.Testing;

namespace Detente.Benchmarks;

/// <summary>
/// Runs BenchmarkDotNet benchmarks (<c>--filter '*Stix*'</c>), or writes benchmark input:
/// <c>generate-lines COUNT FILE</c> writes COUNT seeded STIX objects as JSON lines; <c>matcher-memory [SIZE…]</c>
/// measures the compiled matcher's compile time and retained memory (<see cref="Patterns.MatcherMemory"/>);
/// <c>matcher-throughput [SIZE…]</c> its events/s against interleaved baselines (<see cref="Patterns.MatcherThroughput"/>);
/// <c>flat-read zeek|eve LINES PASSES</c> the flat reader alone (<see cref="Patterns.FlatReadRun"/>);
/// <c>match-run zeek|eve|stix SIZE PASSES</c> the matcher alone (<see cref="Patterns.MatchRun"/>);
/// <c>psi COUNT [--cardinality] [--multiplicative | --pairs] [--filter-bits P] [--runs N]</c> runs the end-to-end PSI benchmark (see Psi/PsiRun.cs);
/// <c>ledger-audit COUNT [RUNS]</c> builds an in-memory log of COUNT entries and times full audits of it;
/// <c>ledger-store COUNT [RUNS]</c> times the node's log path on SQLite (see Ledger/StoreLogRun.cs).
/// <c>ledger-witness COUNT [RUNS]</c> times witnessing on SQLite (see Ledger/WitnessRun.cs).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "generate-lines")
        {
            long count = long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
            using var writer = new StreamWriter(args[2], append: false, new System.Text.UTF8Encoding(false), 1 << 20);
            new StixContentGenerator(seed: 42).WriteLines(writer, count);
            return 0;
        }

        if (args.Length >= 1 && args[0] == "matcher-memory")
        {
            return Patterns.MatcherMemory.Run(args[1..]);
        }

        if (args.Length >= 1 && args[0] == "matcher-throughput")
        {
            return Patterns.MatcherThroughput.Run(args[1..]);
        }

        if (args.Length >= 1 && args[0] == "match-run")
        {
            return Patterns.MatchRun.Run(args[1..]);
        }

        if (args.Length >= 1 && args[0] == "flat-read")
        {
            return Patterns.FlatReadRun.Run(args[1..]);
        }

        if (args.Length >= 2 && args[0] == "psi")
        {
            return Psi.PsiRun.Run(args[1..]);
        }

        if (args.Length is 2 or 3 && args[0] == "ledger-audit")
        {
            return Ledger.LedgerLogs.RunAudit(
                long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture),
                args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
        }

        if (args.Length is 2 or 3 && args[0] == "ledger-witness")
        {
            return Ledger.WitnessRun.Run(
                int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture),
                args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
        }

        if (args.Length is 2 or 3 && args[0] == "ledger-store")
        {
            return Ledger.StoreLogRun.Run(
                long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture),
                args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
