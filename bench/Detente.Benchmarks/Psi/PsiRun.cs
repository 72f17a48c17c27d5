using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Detente.Psi;

namespace Detente.Benchmarks.Psi;

/// <summary>
/// The end-to-end PSI benchmark, as a console mode (a run of 10^6 × 10^6 takes minutes, too long for BenchmarkDotNet):
/// <c>psi COUNT [--cardinality] [--multiplicative | --pairs] [--filter-bits P] [--runs N]</c> first measures the rates of variable-base
/// and fixed-base scalar multiplication and of point addition on one and on all cores, then runs both sides of a session over two seeded sets of COUNT elements that share half, and prints
/// the responder's per-epoch work, the initiator's per-session precomputation, the session's online wall and CPU time (with
/// each phase's busy time, which overlap), the bytes each way and the peak working set. <c>--pairs</c> precomputes
/// set-independent pairs (<see cref="PsiBlinds"/>) and hashes online; the default blinds the set ahead (<see cref="PsiBlindedSet"/>).
/// </summary>
public static class PsiRun
{
    public static int Run(string[] args)
    {
        int count = int.Parse(args[0], CultureInfo.InvariantCulture);
        bool cardinality = args.Contains("--cardinality");
        PsiBlinding blinding = args.Contains("--multiplicative") ? PsiBlinding.Multiplicative : PsiBlinding.Additive;
        bool blindAhead = !args.Contains("--pairs");
        int? filterBits = Option(args, "--filter-bits");
        int runs = Option(args, "--runs") ?? 1;

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load {LoadAverage()}");
        double one = Rate(1, Operation.Variable);
        double all = Rate(Environment.ProcessorCount, Operation.Variable);
        double baseOne = Rate(1, Operation.Fixed);
        double baseAll = Rate(Environment.ProcessorCount, Operation.Fixed);
        double addAll = Rate(Environment.ProcessorCount, Operation.Add);
        Console.WriteLine(FormattableString.Invariant(
            $"per second: variable-base multiplications one core {one:F0}, {Environment.ProcessorCount} cores {all:F0}; fixed-base one core {baseOne:F0}, {Environment.ProcessorCount} cores {baseAll:F0}; additions {Environment.ProcessorCount} cores {addAll:F0}"));
        Console.WriteLine(FormattableString.Invariant(
            $"floor for {count} x {count}: prepare {count / all:F1} s (1 mult/element); additive: precompute {(count / all) + (count / baseAll):F1} s (1 variable + 1 fixed), online {count / all:F1} s (1 mult/element); multiplicative: online {3.0 * count / all:F1} s (3 mults/element)"));

        List<PsiElement> a = Elements(0, count);
        List<PsiElement> b = Elements(count / 2, count);
        var options = new PsiOptions { MaxSetSize = Math.Max(count, 1) };
        for (int run = 0; run < runs; run++)
        {
            var wall = Stopwatch.StartNew();
            PsiLocalReport report = PsiLocal.Run(a, b, cardinality ? PsiMode.Cardinality : PsiMode.Intersection, filterBits, options, options, blinding: blinding,
                blindAhead: blindAhead);
            wall.Stop();
            if (report.Result.Count != count - (count / 2))
            {
                Console.Error.WriteLine($"wrong result: {report.Result.Count}");
                return 1;
            }

            string mode = (cardinality ? "cardinality" : "intersection " + blinding.ToString().ToLowerInvariant() + (blinding == PsiBlinding.Additive ? (blindAhead ? " blinded ahead" : " pairs") : string.Empty))
                + (filterBits is int p ? $" filter P={p}" : string.Empty);
            Console.WriteLine(FormattableString.Invariant(
                $"run {run + 1}: {mode} {count} x {count}, common {report.Result.Count}; per epoch: responder prepare {report.Prepare.TotalSeconds:F1} s (cpu {report.PrepareCpu.TotalSeconds:F1} s); per session: initiator precompute {report.Precompute.TotalSeconds:F1} s (cpu {report.PrecomputeCpu.TotalSeconds:F1} s, before the session), online {report.Online.TotalSeconds:F1} s wall (cpu {report.OnlineCpu.TotalSeconds:F1} s; busy: blind {report.Blind.TotalSeconds:F1} s, evaluate {report.Evaluate.TotalSeconds:F1} s, finalize {report.Finalize.TotalSeconds:F1} s, compare {report.Compare.TotalSeconds:F2} s), per-session wall {report.PerSession.TotalSeconds:F1} s; whole run {wall.Elapsed.TotalSeconds:F1} s; bytes A->B {report.BytesToResponder / 1e6:F1} MB, B->A {report.BytesToInitiator / 1e6:F1} MB; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):F0} MiB; load {LoadAverage()}"));
        }

        return 0;
    }

    /// <summary>Elements start .. start + count - 1: a mix of IPv4 addresses, domain names and SHA-256 hashes.</summary>
    private static List<PsiElement> Elements(int start, int count)
    {
        var elements = new List<PsiElement>(count);
        for (int i = start; i < start + count; i++)
        {
            string text = (i % 3) switch
            {
                0 => $"ipv4-addr:10.{(i >> 16) & 0xff}.{(i >> 8) & 0xff}.{i & 0xff}",
                1 => $"domain-name:host{i}.example",
                _ => "file:SHA-256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)))),
            };
            elements.Add(PsiElement.Parse(text));
        }

        return elements;
    }

    private enum Operation
    {
        Variable,
        Fixed,
        Add,
    }

    /// <summary>ristretto255 operations per second on <paramref name="threads"/> threads, over two seconds.</summary>
    private static double Rate(int threads, Operation operation)
    {
        using PsiKey key = PsiKey.Generate();
        long total = 0;
        var watch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            Span<byte> point = stackalloc byte[32];
            Oprf.Rfc9497.HashToGroup("benchmark"u8, point);
            Span<byte> result = stackalloc byte[32];
            Span<byte> scalar = stackalloc byte[32];
            Ristretto255.RandomScalar(scalar);
            long done = 0;
            while (watch.Elapsed < TimeSpan.FromSeconds(2))
            {
                for (int i = 0; i < 100; i++)
                {
                    switch (operation)
                    {
                        case Operation.Variable:
                            Oprf.TryBlindEvaluate(key, point, result);
                            break;
                        case Operation.Fixed:
                            Ristretto255.MultiplyBase(scalar, result);
                            break;
                        default:
                            Ristretto255.TryAdd(point, key.PublicKey, result);
                            break;
                    }
                }

                done += 100;
            }

            Interlocked.Add(ref total, done);
        });
        return total / watch.Elapsed.TotalSeconds;
    }

    private static int? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
