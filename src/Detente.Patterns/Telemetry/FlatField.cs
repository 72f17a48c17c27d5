using Detente.Patterns.Indexing;
using Detente.Patterns.Observations;
using Detente.Stix;

namespace Detente.Patterns.Telemetry;

/// <summary>The kind of a value a flat log reader reports.</summary>
public enum FlatValueKind
{
    /// <summary>A string (<see cref="FlatField.Utf8"/>), normalized for its key.</summary>
    String,

    /// <summary>An integer (<see cref="FlatField.Integer"/>); <see cref="FlatField.Utf8"/> is its decimal text.</summary>
    Integer,

    /// <summary>A number that is not an integer (<see cref="FlatField.Number"/>); <see cref="FlatField.Utf8"/> is the JSON text.</summary>
    Number,

    /// <summary>An IP address (<see cref="FlatField.Address"/>); <see cref="FlatField.Utf8"/> is its canonical text.</summary>
    Address,
}

/// <summary>One mapped value of a flat log line, reported to an <see cref="IFlatEventSink"/>: its field key and value.</summary>
/// <remarks>The spans point into the reader's buffers and are valid only during the call that receives them.</remarks>
public readonly ref struct FlatField
{
    internal FlatField(FieldKey key, FlatValueKind kind, ReadOnlySpan<byte> utf8, long integer, double number, IpAddress address)
    {
        Key = key;
        Kind = kind;
        Utf8 = utf8;
        Integer = integer;
        Number = number;
        Address = address;
    }

    /// <summary>The (object type, property path) the value belongs to.</summary>
    public FieldKey Key { get; }

    /// <summary>The kind of value.</summary>
    public FlatValueKind Kind { get; }

    /// <summary>The value as UTF-8 text, normalized as its key requires (see <see cref="FlatLogMapping"/> and <see cref="FieldValues"/>).</summary>
    public ReadOnlySpan<byte> Utf8 { get; }

    /// <summary>The value of an <see cref="FlatValueKind.Integer"/>; 0 otherwise.</summary>
    public long Integer { get; }

    /// <summary>The value of an <see cref="FlatValueKind.Integer"/> or <see cref="FlatValueKind.Number"/>; 0 otherwise.</summary>
    public double Number { get; }

    /// <summary>The value of an <see cref="FlatValueKind.Address"/>; default otherwise.</summary>
    public IpAddress Address { get; }
}

/// <summary>A flat log line read completely: where it was and when the event happened.</summary>
/// <param name="LineNumber">One-based line number.</param>
/// <param name="ByteOffset">Zero-based byte offset of the line in the stream.</param>
/// <param name="Timestamp">The event time, in UTC.</param>
/// <param name="FractionDigits">The sub-second digits the time was written with (at most 7).</param>
public readonly record struct FlatEvent(long LineNumber, long ByteOffset, DateTimeOffset Timestamp, int FractionDigits)
{
    /// <summary>The position, for hit reports.</summary>
    public SourcePosition Position => new(LineNumber, ByteOffset, null);

    /// <summary>The event time as a STIX timestamp, with the precision it was written with.</summary>
    public StixTimestamp StixTimestamp => StixTimestamp.FromDateTimeOffset(Timestamp, FractionDigits);
}

/// <summary>
/// Receives what a <see cref="FlatEventReader"/> reads: the mapped fields of a line as they are found, then either the
/// event they belong to or the news that the line was malformed.
/// </summary>
/// <remarks>
/// The fields reported since the last <see cref="OnEvent"/> or <see cref="OnMalformed"/> belong to the next call of
/// either: <see cref="OnEvent"/> commits them, <see cref="OnMalformed"/> means they must be discarded (a line can turn
/// out malformed after some of its fields were read). A matcher probes its indexes in <see cref="OnField"/>, collects
/// hits in a buffer, and acts on them in <see cref="OnEvent"/>.
/// </remarks>
public interface IFlatEventSink
{
    /// <summary>A mapped value of the current line. The spans are valid only during the call.</summary>
    public void OnField(in FlatField field);

    /// <summary>The current line was read completely; the fields reported since the last event belong to it.</summary>
    public void OnEvent(in FlatEvent flatEvent);

    /// <summary>The current line is malformed and skipped; discard the fields reported since the last event.</summary>
    public void OnMalformed(TelemetryError error);
}

/// <summary>Limits of a <see cref="FlatEventReader"/>; each setter rejects nonsense.</summary>
public sealed record FlatLogOptions
{
    /// <summary>The defaults documented on each property.</summary>
    public static FlatLogOptions Default { get; } = new();

    /// <summary>The longest line in bytes; a longer line is reported as malformed and skipped without being held in memory. Default 1 MiB.</summary>
    public int MaxLineBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1 << 30);
            field = value;
        }
    } = 1 << 20;

    /// <summary>The deepest nesting of objects and arrays in a line. Default 32.</summary>
    public int MaxDepth
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 256);
            field = value;
        }
    } = 32;
}

/// <summary>What reading a stream of flat log lines found.</summary>
/// <param name="Lines">Lines read (blank ones included).</param>
/// <param name="Events">Lines reported as events.</param>
/// <param name="Malformed">Lines reported as malformed.</param>
public readonly record struct FlatReadSummary(long Lines, long Events, long Malformed);
