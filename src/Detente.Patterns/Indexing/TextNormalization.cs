using System.Text;
using System.Text.Unicode;

namespace Detente.Patterns.Indexing;

/// <summary>Unicode Normalization Form C for UTF-8 values, as STIX LIKE and MATCHES compare them.</summary>
/// <remarks>
/// ASCII text is already in NFC, so the common case costs one vectorized scan and no allocation. Text that is not
/// valid UTF-8 is left as it is (it cannot be normalized, and no valid pattern text equals it).
/// </remarks>
internal static class TextNormalization
{
    /// <summary>The NFC form of <paramref name="utf8"/>: the input itself when it is ASCII, valid NFC, or invalid UTF-8.</summary>
    public static ReadOnlySpan<byte> ToNfc(ReadOnlySpan<byte> utf8)
    {
        if (Ascii.IsValid(utf8) || !Utf8.IsValid(utf8))
        {
            return utf8;
        }

        string text = Encoding.UTF8.GetString(utf8);
        return text.IsNormalized(NormalizationForm.FormC) ? utf8 : Encoding.UTF8.GetBytes(text.Normalize(NormalizationForm.FormC));
    }

    /// <summary>The NFC form of <paramref name="text"/>; text with unpaired surrogates is returned as it is.</summary>
    public static string ToNfc(string text)
    {
        if (Ascii.IsValid(text) || HasUnpairedSurrogate(text))
        {
            return text;
        }

        return text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
    }

    /// <summary>True when <paramref name="text"/> holds a surrogate that is not part of a pair.</summary>
    public static bool HasUnpairedSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }
}
