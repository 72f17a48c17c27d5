using BenchmarkDotNet.Attributes;
using Detente.Ledger.Auditing;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;

namespace Detente.Benchmarks.Ledger;

/// <summary>
/// A full audit of an in-memory log: checkpoint signature, every bundle decoded, every entry rehashed (and, with
/// EntryFormat, read as a log entry), every tile compared, root. Entries/s = Entries / mean. The 10,000,000-entry
/// figure comes from <c>ledger-audit 10000000</c> (Program), which builds the log once and times audits of it.
/// </summary>
[MemoryDiagnoser]
public class AuditBenchmarks
{
    private MemoryTileStore _store = null!;
    private NoteVerifierKey _key = null!;

    [Params(100_000, 1_000_000)]
    public int Entries { get; set; }

    [Params(false, true)]
    public bool EntryFormat { get; set; }

    [GlobalSetup]
    public void Setup() => (_store, _key, _) = LedgerLogs.Build(Entries);

    [Benchmark]
    public long Audit()
    {
        LogAuditResult result = new LogAuditor([_key], LedgerLogs.Origin) { CheckEntryFormat = EntryFormat }.AuditAsync(_store).GetAwaiter().GetResult();
        return result.IsValid ? result.EntriesChecked : throw new InvalidOperationException(result.Discrepancy!.ToString());
    }
}
