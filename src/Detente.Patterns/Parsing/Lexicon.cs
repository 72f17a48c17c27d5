namespace Detente.Patterns.Parsing;

/// <summary>Which words are keywords, which names need quotes, and how tokens are described in error messages.</summary>
internal static class Lexicon
{
    /// <summary>The keyword <paramref name="word"/> spells in <paramref name="version"/>, or <see cref="TokenKind.Identifier"/>.</summary>
    /// <remarks>Keywords are case-sensitive (upper case; <c>true</c> and <c>false</c> lower case). <c>EXISTS</c> is a keyword in 2.1 only.</remarks>
    public static TokenKind Keyword(ReadOnlySpan<char> word, PatternVersion version)
    {
        // Names are mostly lower case and keywords upper case (but true/false): one test rejects most names.
        char first = word[0];
        if (first is not ((>= 'A' and <= 'Z') or 't' or 'f'))
        {
            return TokenKind.Identifier;
        }

        return word.Length switch
        {
            2 when word.SequenceEqual("OR") => TokenKind.Or,
            2 when word.SequenceEqual("IN") => TokenKind.In,
            3 when word.SequenceEqual("AND") => TokenKind.And,
            3 when word.SequenceEqual("NOT") => TokenKind.Not,
            4 when word.SequenceEqual("true") => TokenKind.True,
            4 when word.SequenceEqual("LIKE") => TokenKind.Like,
            4 when word.SequenceEqual("LAST") => TokenKind.Last,
            4 when word.SequenceEqual("STOP") => TokenKind.Stop,
            5 when word.SequenceEqual("false") => TokenKind.False,
            5 when word.SequenceEqual("START") => TokenKind.Start,
            5 when word.SequenceEqual("TIMES") => TokenKind.Times,
            6 when word.SequenceEqual("WITHIN") => TokenKind.Within,
            6 when version == PatternVersion.V21 && word.SequenceEqual("EXISTS") => TokenKind.Exists,
            7 when word.SequenceEqual("MATCHES") => TokenKind.Matches,
            7 when word.SequenceEqual("SECONDS") => TokenKind.Seconds,
            7 when word.SequenceEqual("REPEATS") => TokenKind.Repeats,
            8 when word.SequenceEqual("ISSUBSET") => TokenKind.IsSubset,
            10 when word.SequenceEqual("FOLLOWEDBY") => TokenKind.FollowedBy,
            10 when word.SequenceEqual("ISSUPERSET") => TokenKind.IsSuperset,
            _ => TokenKind.Identifier,
        };
    }

    /// <summary>True for a keyword of either grammar.</summary>
    public static bool IsKeyword(ReadOnlySpan<char> word) => word.Length > 0 && Keyword(word, PatternVersion.V21) != TokenKind.Identifier;

    public static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    public static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-';

    /// <summary>True when <paramref name="name"/> can be written as an object type: an identifier, hyphens allowed, not a keyword.</summary>
    public static bool IsObjectTypeToken(string name) => IsIdentifier(name, allowHyphen: true) && !IsKeyword(name);

    /// <summary>True when a property name can be written without quotes: an identifier without hyphens, not a keyword.</summary>
    public static bool IsBarePropertyName(string name) => IsIdentifier(name, allowHyphen: false) && !IsKeyword(name);

    /// <summary>STIX 2.1 §9.4 whitespace: the code points with the Unicode White_Space property (the grammar's WS rule).</summary>
    public static bool IsWhiteSpace(char c) =>
        c is ' ' or (>= '\t' and <= '\r') or '\u0085' or '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200A')
            or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000';

    /// <summary>What a token is, for <see cref="PatternSyntaxException.Found"/>: its kind, or the spelling of a keyword or
    /// punctuation; never the text of an identifier or constant.</summary>
    public static string Describe(TokenKind kind, ReadOnlySpan<char> text, bool hyphen) => kind switch
    {
        TokenKind.End => "end of pattern",
        TokenKind.Identifier => hyphen ? "an identifier with a hyphen" : "an identifier",
        TokenKind.String => "a string",
        TokenKind.Integer => "an integer",
        TokenKind.Float => "a float",
        TokenKind.Timestamp => "a timestamp",
        TokenKind.Binary => "a binary constant",
        TokenKind.Hex => "a hex constant",
        TokenKind.Invalid => Character(text),
        _ => string.Concat("'", text, "'"), // keywords and punctuation: fixed spellings of the grammar
    };

    /// <summary>A character for a message: <c>'?'</c> when printable ASCII, else its code point (<c>U+00E9</c>).</summary>
    public static string Character(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return "end of pattern";
        }

        char c = text[0];
        if (c is >= '!' and <= '~')
        {
            return c == '\'' ? "an apostrophe (')" : string.Concat("'", text[..1], "'");
        }

        int codePoint = text.Length > 1 && char.IsSurrogatePair(c, text[1]) ? char.ConvertToUtf32(c, text[1]) : c;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the character U+{codePoint:X4}");
    }

    private static bool IsIdentifier(string name, bool allowHyphen)
    {
        if (name.Length == 0 || !IsIdentifierStart(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowHyphen && c == '-')))
            {
                return false;
            }
        }

        return true;
    }
}
