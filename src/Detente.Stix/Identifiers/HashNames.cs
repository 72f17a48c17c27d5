using System.Diagnostics.CodeAnalysis;
using Detente.Stix.Json;

namespace Detente.Stix.Identifiers;

/// <summary>Maps hash algorithm names to the spelling of STIX 2.1 <c>hash-algorithm-ov</c>, as the reference producer does.</summary>
/// <remarks>
/// python-stix2 (<c>hashes.infer_hash_algorithm</c>, <c>HashesProperty.clean</c>): drop every <c>-</c>, upper-case the
/// rest; if that names an algorithm of the vocabulary, use the vocabulary's spelling, otherwise keep the name as
/// written. Dictionary keys are ASCII (STIX 2.1 §3.2 and the reference's own key check), so ASCII upper-casing suffices.
/// </remarks>
internal static class HashNames
{
    private static readonly Dictionary<string, string> s_vocabulary = new(StringComparer.Ordinal)
    {
        ["MD5"] = "MD5",
        ["SHA1"] = "SHA-1",
        ["SHA256"] = "SHA-256",
        ["SHA512"] = "SHA-512",
        ["SHA3256"] = "SHA3-256",
        ["SHA3512"] = "SHA3-512",
        ["SSDEEP"] = "SSDEEP",
        ["TLSH"] = "TLSH",
    };

    /// <summary>The vocabulary spelling of <paramref name="name"/>, or <paramref name="name"/> itself.</summary>
    public static string Normalize(string name)
    {
        Span<char> folded = name.Length <= 64 ? stackalloc char[name.Length] : new char[name.Length];
        int length = 0;
        foreach (char c in name)
        {
            if (c != '-')
            {
                folded[length++] = c is >= 'a' and <= 'z' ? (char)(c - ('a' - 'A')) : c;
            }
        }

        return TryGetVocabularySpelling(folded[..length], out string? spelling) ? spelling : name;
    }

    /// <summary>
    /// The vocabulary spelling of an algorithm name already folded to upper case without separators
    /// (<c>SHA256</c> → <c>SHA-256</c>), if it names an algorithm of the vocabulary.
    /// </summary>
    public static bool TryGetVocabularySpelling(ReadOnlySpan<char> folded, [NotNullWhen(true)] out string? spelling) =>
        s_vocabulary.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(folded, out spelling);

    /// <summary>
    /// Renames the members of <paramref name="hashes"/> to the vocabulary spelling. When two names map to the same
    /// spelling the later value wins at the earlier position, as assigning into a Python dict does.
    /// </summary>
    public static JsonObject Normalize(JsonObject hashes)
    {
        var members = new List<KeyValuePair<string, JsonValue>>(hashes.Count);
        var positions = new Dictionary<string, int>(hashes.Count, StringComparer.Ordinal); // linear in the key count
        bool changed = false;
        foreach (KeyValuePair<string, JsonValue> member in hashes)
        {
            string name = Normalize(member.Key);
            changed |= !string.Equals(name, member.Key, StringComparison.Ordinal);
            if (positions.TryGetValue(name, out int existing))
            {
                members[existing] = new KeyValuePair<string, JsonValue>(name, member.Value);
                changed = true;
            }
            else
            {
                positions.Add(name, members.Count);
                members.Add(new KeyValuePair<string, JsonValue>(name, member.Value));
            }
        }

        return changed ? JsonObject.Create(members) : hashes;
    }
}
