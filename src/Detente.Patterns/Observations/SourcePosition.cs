using System.Globalization;
using System.Text;

namespace Detente.Patterns.Observations;

/// <summary>Where an observation (or a problem) came from in its input, for hit reports and error messages.</summary>
/// <param name="LineNumber">One-based line of a JSON-lines input; null for a single document.</param>
/// <param name="ByteOffset">Zero-based byte offset of the line (or document) in the stream, when known.</param>
/// <param name="ObjectIndex">Zero-based index of the object in its bundle or array, when it came from one.</param>
public readonly record struct SourcePosition(long? LineNumber, long? ByteOffset, int? ObjectIndex)
{
    /// <summary>No position known.</summary>
    public static SourcePosition None => default;

    /// <summary>A short description, e.g. <c>line 12, byte 3400, object 2</c>; empty when nothing is known.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        Append(text, "line", LineNumber);
        Append(text, "byte", ByteOffset);
        Append(text, "object", ObjectIndex);
        return text.ToString();

        static void Append(StringBuilder text, string name, long? value)
        {
            if (value is long v)
            {
                text.Append(text.Length == 0 ? string.Empty : ", ").Append(name).Append(' ').Append(v.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
