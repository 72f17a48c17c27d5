using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Detente.Stix;

namespace Detente.Policy;

/// <summary>Reads <see cref="ObjectFacts"/> straight from UTF-8 JSON: the members the policy needs, every other value skipped.</summary>
/// <remarks>
/// The node holds each stored version as bytes; building the full tree for every version a reader pages through would
/// cost several times the decision. A member the policy reads may appear once only (a second <c>object_marking_refs</c>
/// could otherwise mean one thing here and another to a consumer).
/// </remarks>
internal static class ObjectFactsReader
{
    private const int TypeBit = 1 << 0;
    private const int IdBit = 1 << 1;
    private const int CreatedByRefBit = 1 << 2;
    private const int CreatedBit = 1 << 3;
    private const int ModifiedBit = 1 << 4;
    private const int ConfidenceBit = 1 << 5;
    private const int LabelsBit = 1 << 6;
    private const int MarkingRefsBit = 1 << 7;
    private const int GranularBit = 1 << 8;

    private static readonly JsonReaderOptions s_options = new() { MaxDepth = 256 };

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static ObjectFacts Read(ReadOnlySpan<byte> utf8Json)
    {
        // A leading UTF-8 byte order mark is skipped, as the STIX reader does.
        if (utf8Json.StartsWith(Utf8Bom))
        {
            utf8Json = utf8Json[Utf8Bom.Length..];
        }

        var reader = new Utf8JsonReader(utf8Json, s_options);
        try
        {
            ObjectFacts facts = ReadObject(ref reader);
            if (reader.Read())
            {
                ThrowFormat("Only one JSON object may be read.", reader.TokenStartIndex);
            }

            return facts;
        }
        catch (JsonException e)
        {
            throw new StixFormatException("Not valid JSON: " + e.Message, e.BytePositionInLine ?? 0, e);
        }
        catch (InvalidOperationException e)
        {
            // GetString on a string that is not valid UTF-16 once unescaped (a lone surrogate).
            throw new StixFormatException("A string is not valid Unicode.", reader.TokenStartIndex, e);
        }
    }

    internal static int? ToConfidence(double value) =>
        value is >= 0 and <= 100 && Math.Floor(value) == value ? (int)value : null;

    private static ObjectFacts ReadObject(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            ThrowFormat("A STIX object must be a JSON object.", reader.TokenStartIndex);
        }

        int seen = 0;
        string? type = null, id = null, createdByRef = null;
        DateTimeOffset? created = null, modified = null;
        int? confidence = null;
        ImmutableArray<string> labels = [], markingRefs = [];
        ImmutableArray<GranularMarking> granular = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int bit = Member(ref reader);
            if (bit != 0)
            {
                if ((seen & bit) != 0)
                {
                    ThrowFormat("A member the sharing policy reads appears twice.", reader.TokenStartIndex);
                }

                seen |= bit;
            }

            reader.Read();
            switch (bit)
            {
                case TypeBit:
                    type = String(ref reader);
                    break;
                case IdBit:
                    id = String(ref reader);
                    break;
                case CreatedByRefBit:
                    createdByRef = String(ref reader);
                    break;
                case CreatedBit:
                    created = Timestamp(ref reader);
                    break;
                case ModifiedBit:
                    modified = Timestamp(ref reader);
                    break;
                case ConfidenceBit:
                    confidence = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double d) ? ToConfidence(d) : null;
                    reader.Skip();
                    break;
                case LabelsBit:
                    labels = Strings(ref reader);
                    break;
                case MarkingRefsBit:
                    markingRefs = Strings(ref reader);
                    break;
                case GranularBit:
                    granular = Granular(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new ObjectFacts
        {
            Type = type,
            Id = id,
            CreatedByRef = createdByRef,
            Created = created,
            Modified = modified,
            Confidence = confidence,
            Labels = labels,
            ObjectMarkingRefs = markingRefs,
            GranularMarkings = granular,
        };
    }

    // Most members of an object are not read: their names are told apart by length before any comparison.
    // Bench: Policy/DecisionBenchmarks.ReadFacts
    private static int Member(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            ReadOnlySpan<byte> name = reader.ValueSpan;
            return name.Length switch
            {
                2 => name.SequenceEqual("id"u8) ? IdBit : 0,
                4 => name.SequenceEqual("type"u8) ? TypeBit : 0,
                6 => name.SequenceEqual("labels"u8) ? LabelsBit : 0,
                7 => name.SequenceEqual("created"u8) ? CreatedBit : 0,
                8 => name.SequenceEqual("modified"u8) ? ModifiedBit : 0,
                10 => name.SequenceEqual("confidence"u8) ? ConfidenceBit : 0,
                14 => name.SequenceEqual("created_by_ref"u8) ? CreatedByRefBit : 0,
                17 => name.SequenceEqual("granular_markings"u8) ? GranularBit : 0,
                19 => name.SequenceEqual("object_marking_refs"u8) ? MarkingRefsBit : 0,
                _ => 0,
            };
        }

        return EscapedMember(ref reader);
    }

    private static int EscapedMember(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("type"u8) ? TypeBit
        : reader.ValueTextEquals("id"u8) ? IdBit
        : reader.ValueTextEquals("created_by_ref"u8) ? CreatedByRefBit
        : reader.ValueTextEquals("created"u8) ? CreatedBit
        : reader.ValueTextEquals("modified"u8) ? ModifiedBit
        : reader.ValueTextEquals("confidence"u8) ? ConfidenceBit
        : reader.ValueTextEquals("labels"u8) ? LabelsBit
        : reader.ValueTextEquals("object_marking_refs"u8) ? MarkingRefsBit
        : reader.ValueTextEquals("granular_markings"u8) ? GranularBit
        : 0;

    private static string? String(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static DateTimeOffset? Timestamp(ref Utf8JsonReader reader) =>
        StixTimestamp.TryParse(String(ref reader), out StixTimestamp t) ? t.Value : null;

    private static ImmutableArray<string> Strings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return [];
        }

        var items = ImmutableArray.CreateBuilder<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                items.Add(reader.GetString()!);
            }
            else
            {
                reader.Skip();
            }
        }

        return items.ToImmutable();
    }

    private static ImmutableArray<GranularMarking> Granular(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return [];
        }

        var markings = ImmutableArray.CreateBuilder<GranularMarking>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            string? markingRef = null;
            ImmutableArray<string> selectors = [];
            int seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int bit = reader.ValueTextEquals("marking_ref"u8) ? 1 : reader.ValueTextEquals("selectors"u8) ? 2 : 0;
                if ((seen & bit) != 0)
                {
                    ThrowFormat("A member the sharing policy reads appears twice.", reader.TokenStartIndex);
                }

                seen |= bit;
                reader.Read();
                switch (bit)
                {
                    case 1:
                        markingRef = String(ref reader);
                        break;
                    case 2:
                        selectors = Strings(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            markings.Add(new GranularMarking(markingRef, selectors));
        }

        return markings.ToImmutable();
    }

    [DoesNotReturn]
    private static void ThrowFormat(string message, long position) => throw new StixFormatException(message, position);
}
