namespace Detente.Taxii.Http;

/// <summary>The one representation a TAXII node serves: a JSON media type with a <c>version</c> parameter.</summary>
/// <param name="Type">The top-level type, lower case (<c>application</c>).</param>
/// <param name="Subtype">The subtype, lower case (<c>taxii+json</c>).</param>
/// <param name="Version">The value of the <c>version</c> parameter (<c>2.1</c>).</param>
internal readonly record struct Representation(string Type, string Subtype, string Version);

/// <summary>
/// HTTP media types and the Accept header by the rules of RFC 9110 (§5.6 tokens, quoted strings and lists, §8.3.1
/// media types, §12.4.2 quality values, §12.5.1 Accept). Pure functions over spans; they never throw on any input.
/// </summary>
/// <remarks>
/// Work is linear in the length of the header: each element is scanned once, and a malformed element is skipped
/// up to the next comma outside a quoted string. Nothing is allocated.
/// </remarks>
internal static class MediaTypeSyntax
{
    /// <summary>The quality of a media range that gives none (<c>q=1</c>), in thousandths.</summary>
    public const int FullQuality = 1000;

    /// <summary>
    /// The quality (0–1000) the Accept header <paramref name="accept"/> gives to <paramref name="representation"/>:
    /// the q of the most specific media range that matches it, 0 when none does.
    /// </summary>
    /// <remarks>
    /// RFC 9110 §12.5.1: "If more than one media range applies to a given type, the most specific reference has
    /// precedence." Specificity is <c>*/*</c> &lt; <c>type/*</c> &lt; <c>type/subtype</c>, then the number of
    /// parameters. Among equally specific matching ranges the highest q counts. A range matches only when each of its
    /// parameters holds for the representation (<c>version</c> equal, <c>charset</c> UTF-8, which JSON always is); a
    /// range with any other parameter describes something else. Parameters after <c>q</c> are accept extensions
    /// (RFC 7231 §5.3.2) and are ignored. Malformed elements (bad token, bad q, unterminated quote) say nothing
    /// and are skipped. A header with no element at all counts as absent: everything is acceptable.
    /// </remarks>
    public static int Quality(ReadOnlySpan<char> accept, Representation representation)
    {
        int bestLevel = -1;
        int bestParameters = -1;
        int bestQuality = 0;
        bool anyElement = false;
        int position = 0;
        while (position <= accept.Length)
        {
            int end = ElementEnd(accept, position);
            ReadOnlySpan<char> element = TrimOws(accept[position..end]);
            position = end + 1;
            if (element.IsEmpty)
            {
                continue; // RFC 9110 §5.6.1.2: empty list elements are ignored
            }

            anyElement = true;
            if (!TryMatch(element, representation, out int level, out int parameters, out int quality))
            {
                continue;
            }

            if (level > bestLevel || (level == bestLevel && parameters > bestParameters))
            {
                (bestLevel, bestParameters, bestQuality) = (level, parameters, quality);
            }
            else if (level == bestLevel && parameters == bestParameters)
            {
                bestQuality = Math.Max(bestQuality, quality);
            }
        }

        return !anyElement ? FullQuality : bestLevel < 0 ? 0 : bestQuality;
    }

    /// <summary>
    /// True when <paramref name="contentType"/> is exactly one media type equal to <paramref name="representation"/>
    /// or to its version-less form, with at most a <c>charset</c> of UTF-8 beside the version.
    /// </summary>
    /// <remarks>
    /// Type, subtype, parameter names and the charset value compare without regard to case; parameter values may
    /// be quoted; whitespace around <c>;</c> is allowed (RFC 9110 §5.6.6). Refused: any other parameter, a repeated
    /// parameter, another version, wildcards, lists, and anything malformed.
    /// </remarks>
    public static bool IsContentType(ReadOnlySpan<char> contentType, Representation representation)
    {
        ReadOnlySpan<char> text = TrimOws(contentType);
        if (!TryReadType(text, out ReadOnlySpan<char> type, out ReadOnlySpan<char> subtype, out int position)
            || !type.Equals(representation.Type, StringComparison.OrdinalIgnoreCase)
            || !subtype.Equals(representation.Subtype, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        bool version = false;
        bool charset = false;
        while (true)
        {
            switch (NextParameter(text, ref position, out ReadOnlySpan<char> name, out ReadOnlySpan<char> value))
            {
                case ParameterStep.End:
                    return true;
                case ParameterStep.Malformed:
                    return false;
                case ParameterStep.Empty:
                    continue;
            }

            if (name.Equals("version", StringComparison.OrdinalIgnoreCase) && !version)
            {
                version = true;
                if (!ValueEquals(value, representation.Version, ignoreCase: false))
                {
                    return false;
                }
            }
            else if (name.Equals("charset", StringComparison.OrdinalIgnoreCase) && !charset)
            {
                charset = true;
                if (!ValueEquals(value, "utf-8", ignoreCase: true))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }
    }

    /// <summary>True when <paramref name="mediaType"/> is one well-formed media type whose <c>version</c> parameter is <paramref name="version"/>.</summary>
    public static bool HasVersion(ReadOnlySpan<char> mediaType, string version)
    {
        ReadOnlySpan<char> text = TrimOws(mediaType);
        if (!TryReadType(text, out _, out _, out int position))
        {
            return false;
        }

        bool found = false;
        while (true)
        {
            switch (NextParameter(text, ref position, out ReadOnlySpan<char> name, out ReadOnlySpan<char> value))
            {
                case ParameterStep.End:
                    return found;
                case ParameterStep.Malformed:
                    return false;
                case ParameterStep.Empty:
                    continue;
            }

            if (name.Equals("version", StringComparison.OrdinalIgnoreCase))
            {
                if (found || !ValueEquals(value, version, ignoreCase: false))
                {
                    return false;
                }

                found = true;
            }
        }
    }

    private static bool TryMatch(ReadOnlySpan<char> element, Representation representation, out int level, out int parameters, out int quality)
    {
        level = parameters = 0;
        quality = FullQuality;
        if (!TryReadType(element, out ReadOnlySpan<char> type, out ReadOnlySpan<char> subtype, out int position))
        {
            return false;
        }

        bool typeWildcard = type is "*";
        bool subtypeWildcard = subtype is "*";
        if (typeWildcard && !subtypeWildcard)
        {
            return false; // "*/json" is not a media range
        }

        bool matches = typeWildcard
            || (type.Equals(representation.Type, StringComparison.OrdinalIgnoreCase)
                && (subtypeWildcard || subtype.Equals(representation.Subtype, StringComparison.OrdinalIgnoreCase)));
        level = typeWildcard ? 0 : subtypeWildcard ? 1 : 2;

        bool seenQuality = false;
        bool seenVersion = false;
        bool seenCharset = false;
        while (true)
        {
            switch (NextParameter(element, ref position, out ReadOnlySpan<char> name, out ReadOnlySpan<char> value))
            {
                case ParameterStep.End:
                    return matches;
                case ParameterStep.Malformed:
                    return false;
                case ParameterStep.Empty:
                    continue;
            }

            if (seenQuality)
            {
                continue; // an accept extension: well formed, and ignored
            }

            if (name.Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                if (!TryParseQuality(value, out quality))
                {
                    return false;
                }

                seenQuality = true;
            }
            else if (name.Equals("version", StringComparison.OrdinalIgnoreCase))
            {
                if (seenVersion)
                {
                    return false; // "version=2.1;version=2.0" says two things
                }

                seenVersion = true;
                parameters++;
                matches &= ValueEquals(value, representation.Version, ignoreCase: false);
            }
            else if (name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                if (seenCharset)
                {
                    return false;
                }

                seenCharset = true;
                parameters++;
                matches &= ValueEquals(value, "utf-8", ignoreCase: true);
            }
            else
            {
                parameters++;
                matches = false; // a parameter this representation does not have
            }
        }
    }

    /// <summary>Reads <c>type "/" subtype</c> at the start of <paramref name="text"/>.</summary>
    private static bool TryReadType(ReadOnlySpan<char> text, out ReadOnlySpan<char> type, out ReadOnlySpan<char> subtype, out int position)
    {
        int typeEnd = TokenEnd(text, 0);
        type = text[..typeEnd];
        subtype = default;
        position = typeEnd;
        if (typeEnd == 0 || typeEnd >= text.Length || text[typeEnd] != '/')
        {
            return false;
        }

        int subtypeEnd = TokenEnd(text, typeEnd + 1);
        subtype = text[(typeEnd + 1)..subtypeEnd];
        position = subtypeEnd;
        return !subtype.IsEmpty;
    }

    private enum ParameterStep
    {
        Parameter,
        Empty,
        End,
        Malformed,
    }

    /// <summary>Reads <c>OWS ";" OWS [ name "=" value ]</c> from <paramref name="position"/>, or the end.</summary>
    private static ParameterStep NextParameter(ReadOnlySpan<char> text, ref int position, out ReadOnlySpan<char> name, out ReadOnlySpan<char> value)
    {
        name = value = default;
        int i = SkipOws(text, position);
        if (i == text.Length)
        {
            position = i;
            return ParameterStep.End;
        }

        if (text[i] != ';')
        {
            return ParameterStep.Malformed;
        }

        i = SkipOws(text, i + 1);
        if (i == text.Length || text[i] == ';')
        {
            position = i;
            return ParameterStep.Empty; // RFC 9110 §5.6.6 allows an empty parameter
        }

        int nameEnd = TokenEnd(text, i);
        if (nameEnd == i || nameEnd == text.Length || text[nameEnd] != '=')
        {
            return ParameterStep.Malformed; // no whitespace around '=' (RFC 9110 §5.6.6)
        }

        name = text[i..nameEnd];
        int valueStart = nameEnd + 1;
        int valueEnd;
        if (valueStart < text.Length && text[valueStart] == '"')
        {
            valueEnd = QuotedStringEnd(text, valueStart);
            if (valueEnd < 0)
            {
                return ParameterStep.Malformed;
            }
        }
        else
        {
            valueEnd = TokenEnd(text, valueStart);
            if (valueEnd == valueStart)
            {
                return ParameterStep.Malformed;
            }
        }

        value = text[valueStart..valueEnd];
        position = valueEnd;
        return ParameterStep.Parameter;
    }

    /// <summary>
    /// Compares a parameter value (a token, or a quoted string whose quoted pairs are unescaped) with
    /// <paramref name="expected"/>; RFC 9110 §5.6.6 makes the two forms equivalent.
    /// </summary>
    private static bool ValueEquals(ReadOnlySpan<char> value, string expected, bool ignoreCase)
    {
        if (value.IsEmpty || value[0] != '"')
        {
            return ignoreCase ? value.Equals(expected, StringComparison.OrdinalIgnoreCase) : value.SequenceEqual(expected);
        }

        int j = 0;
        for (int i = 1; i < value.Length - 1; i++)
        {
            char c = value[i] == '\\' ? value[++i] : value[i];
            if (j == expected.Length || !(c == expected[j] || (ignoreCase && char.ToLowerInvariant(c) == char.ToLowerInvariant(expected[j]))))
            {
                return false;
            }

            j++;
        }

        return j == expected.Length;
    }

    /// <summary>
    /// Parses a qvalue (RFC 9110 §12.4.2): <c>"0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ]</c>, in thousandths.
    /// </summary>
    private static bool TryParseQuality(ReadOnlySpan<char> value, out int quality)
    {
        quality = 0;
        if (value.IsEmpty || value.Length > 5 || value[0] is not ('0' or '1'))
        {
            return false;
        }

        int whole = value[0] - '0';
        if (value.Length == 1)
        {
            quality = whole * 1000;
            return true;
        }

        if (value[1] != '.')
        {
            return false;
        }

        int fraction = 0;
        int scale = 100;
        for (int i = 2; i < value.Length; i++)
        {
            char c = value[i];
            if (c is < '0' or > '9' || (whole == 1 && c != '0'))
            {
                return false;
            }

            fraction += (c - '0') * scale;
            scale /= 10;
        }

        quality = (whole * 1000) + fraction;
        return true;
    }

    /// <summary>The index of the comma that ends the list element starting at <paramref name="start"/>, or the length.</summary>
    private static int ElementEnd(ReadOnlySpan<char> text, int start)
    {
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (c == ',')
            {
                return i;
            }

            if (c == '"')
            {
                int end = QuotedStringEnd(text, i);
                if (end < 0)
                {
                    return text.Length; // unterminated: the rest is one malformed element
                }

                i = end - 1;
            }
        }

        return text.Length;
    }

    /// <summary>
    /// The index just after the quoted string that starts at <paramref name="start"/> (RFC 9110 §5.6.4), or -1 when it is
    /// unterminated or holds a character a quoted string cannot.
    /// </summary>
    private static int QuotedStringEnd(ReadOnlySpan<char> text, int start)
    {
        for (int i = start + 1; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"')
            {
                return i + 1;
            }

            if (c == '\\')
            {
                if (++i == text.Length || !IsQuotedPairChar(text[i]))
                {
                    return -1;
                }
            }
            else if (!IsQdText(c))
            {
                return -1;
            }
        }

        return -1;
    }

    private static int TokenEnd(ReadOnlySpan<char> text, int start)
    {
        int i = start;
        while (i < text.Length && IsTChar(text[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipOws(ReadOnlySpan<char> text, int start)
    {
        int i = start;
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    private static ReadOnlySpan<char> TrimOws(ReadOnlySpan<char> text) => text.Trim(" \t");

    /// <summary>tchar (RFC 9110 §5.6.2).</summary>
    private static bool IsTChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    /// <summary>qdtext: HTAB, SP, %x21, %x23-5B, %x5D-7E, obs-text (%x80-FF).</summary>
    private static bool IsQdText(char c) =>
        c is '\t' or ' ' or '!' or (>= '#' and <= '[') or (>= ']' and <= '~') or (>= '\u0080' and <= '\u00ff');

    /// <summary>The character after a backslash in a quoted pair: HTAB, SP, VCHAR, obs-text.</summary>
    private static bool IsQuotedPairChar(char c) =>
        c is '\t' or (>= ' ' and <= '~') or (>= '\u0080' and <= '\u00ff');
}
