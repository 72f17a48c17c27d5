using Detente.Ledger.Entries;

namespace Detente.Storage;

/// <summary>One entry of the node's transparency log as the store holds it: where it is in the log, its bytes and its salt.</summary>
/// <param name="LeafIndex">The entry's index in the log (0 for the first).</param>
/// <param name="Action">What the entry records.</param>
/// <param name="Entry">The entry's bytes as logged (<see cref="LogEntry.Encoded"/>).</param>
/// <param name="Salt">The entry's 32-byte salt; it is revealed only with the object (or record) it commits to.</param>
public sealed record LogEntryRecord(long LeafIndex, LogAction Action, ReadOnlyMemory<byte> Entry, ReadOnlyMemory<byte> Salt)
{
    /// <summary>For an entry not tied to an object version (<see cref="LogEntry.IsRecordAction"/>): the record's id (a PSI session id); else null.</summary>
    public string? RecordId { get; init; }

    /// <summary>For an entry not tied to an object version: the RFC 8785 bytes of the record the entry commits to; else empty.</summary>
    public ReadOnlyMemory<byte> Record { get; init; }
}
