using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Detente.Patterns.Indexing;

/// <summary>The result of running a <see cref="StixRegex"/> on a value.</summary>
public enum RegexOutcome
{
    /// <summary>The expression does not match.</summary>
    NoMatch,

    /// <summary>The expression matches.</summary>
    Match,

    /// <summary>The backtracking engine ran out of time (<see cref="StixRegex.MatchTimeout"/>); the answer is unknown.</summary>
    Timeout,
}

/// <summary>A STIX <c>MATCHES</c> expression (PCRE syntax) translated to a .NET <see cref="Regex"/>, with the literal a prefilter can look for.</summary>
/// <remarks>
/// <para>STIX 2.1 §9.5: <c>a MATCHES b</c> holds when the PCRE regular expression <c>b</c> matches <c>a</c> somewhere
/// (not anchored unless the expression anchors itself). The expression and the value are put in Unicode Normalization
/// Form C first, as the OASIS reference matcher does. The translation keeps PCRE's meaning where .NET differs:</para>
/// <list type="bullet">
/// <item><c>\d \w \s</c> (and <c>\D \W \S</c>, in and out of classes) are PCRE's ASCII classes (<c>[0-9]</c>,
/// <c>[A-Za-z0-9_]</c>, <c>[\t\n\v\f\r ]</c>), not .NET's Unicode ones; POSIX classes <c>[[:alpha:]]</c> are ASCII too.</item>
/// <item><c>\h \H \v \V \R \N</c> get their PCRE meaning (.NET reads <c>\v</c> as the vertical tab).</item>
/// <item><c>\x{…}</c>, <c>\o{…}</c>, <c>\0nn</c>, <c>\xh</c>, <c>\cX</c>, <c>\Q…\E</c>, <c>(?P&lt;name&gt;…)</c>,
/// <c>(?P=name)</c>, <c>\k{name}</c>, <c>\p{^L}</c> are rewritten to .NET syntax; a <c>[</c> inside a class is a literal
/// (.NET would read <c>-[…]</c> as class subtraction).</item>
/// <item>Refused (no .NET equivalent): possessive quantifiers (<c>a++</c>), <c>\K \X \C \g</c>, recursion and
/// subroutine calls, branch reset <c>(?|</c>, callouts, backtracking verbs <c>(*…)</c>, conditionals, script names in
/// <c>\p{…}</c>, unknown letter escapes, and inline flags other than <c>i m s x n</c>.</item>
/// </list>
/// <para>Known differences that remain: <c>\b</c> and case-insensitive matching follow .NET's Unicode rules; <c>.</c>
/// and quantifiers count UTF-16 code units, so a character outside the Basic Multilingual Plane is two "characters";
/// the reference matcher (Python <c>re</c>) reads <c>\d \w \s</c> as Unicode classes, PCRE (the spec) as ASCII, and this
/// follows PCRE.</para>
/// <para>Engine: .NET's non-backtracking engine (linear time) whenever the expression allows it (no backreferences,
/// lookarounds or atomic groups); otherwise the backtracking engine with <see cref="MatchTimeout"/>. Both give the same
/// match or no-match answer. Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class StixRegex
{
    /// <summary>The longest expression accepted, in UTF-16 code units.</summary>
    public const int MaxPatternLength = 4096;

    /// <summary>The default time limit for one match on the backtracking engine: 100 ms.</summary>
    public static readonly TimeSpan DefaultMatchTimeout = TimeSpan.FromMilliseconds(100);

    private readonly byte[] _literal;
    private readonly TimeSpan _matchTimeout;

    // Built on first use: a non-backtracking Regex costs milliseconds and hundreds of kilobytes to build, and the compiled
    // matcher holds thousands of expressions of which the prefilter lets few ever run. Bench: Patterns/MatcherMemory.
    private Regex? _regex;

    private StixRegex(string pattern, string translated, TimeSpan matchTimeout, byte[] literal, bool literalIgnoresCase)
    {
        Pattern = pattern;
        DotNetPattern = translated;
        _matchTimeout = matchTimeout;
        _literal = literal;
        RequiredLiteralIgnoresCase = literalIgnoresCase;
    }

    /// <summary>The expression as given, in Normalization Form C.</summary>
    public string Pattern { get; }

    /// <summary>The .NET expression it was translated to.</summary>
    public string DotNetPattern { get; }

    /// <summary>True when the linear-time engine runs it (no timeout can occur).</summary>
    public bool IsNonBacktracking => (Compiled.Options & RegexOptions.NonBacktracking) != 0;

    /// <summary>The time limit for one match on the backtracking engine (<see cref="Regex.InfiniteMatchTimeout"/> on the non-backtracking one).</summary>
    public TimeSpan MatchTimeout => Compiled.MatchTimeout;

    /// <summary>
    /// A run of characters (UTF-8) that every matching value contains, or empty when the expression has no such run
    /// that can be found safely (a top-level alternation, the <c>x</c> flag, no literal at all).
    /// </summary>
    /// <remarks>
    /// Conservative: taken only from the top level of the expression, outside groups, classes and optional atoms.
    /// When <see cref="RequiredLiteralIgnoresCase"/> is true the run is lower-case ASCII and a value contains it when it
    /// contains it in any ASCII case.
    /// </remarks>
    public ReadOnlySpan<byte> RequiredLiteral => _literal;

    /// <summary>True when the expression turns on case-insensitive matching anywhere, so <see cref="RequiredLiteral"/> must be found ignoring ASCII case.</summary>
    public bool RequiredLiteralIgnoresCase { get; }

    /// <summary>Translates and compiles <paramref name="pattern"/>.</summary>
    /// <param name="pattern">The PCRE expression.</param>
    /// <param name="regex">The compiled expression, or null.</param>
    /// <param name="error">Why the expression was refused, or null.</param>
    /// <param name="matchTimeout">The backtracking engine's limit per match; <see cref="DefaultMatchTimeout"/> when null.</param>
    /// <returns>False, with <paramref name="error"/>, when the expression is malformed or uses something .NET cannot express.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is null.</exception>
    public static bool TryCreate(string pattern, [NotNullWhen(true)] out StixRegex? regex, [NotNullWhen(false)] out string? error, TimeSpan? matchTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        regex = null;
        if (pattern.Length > MaxPatternLength)
        {
            error = $"The expression is {pattern.Length} characters long; the limit is {MaxPatternLength}.";
            return false;
        }

        if (TextNormalization.HasUnpairedSurrogate(pattern))
        {
            error = "The expression is not Unicode text (it holds an unpaired surrogate).";
            return false;
        }

        string normalized = TextNormalization.ToNfc(pattern);
        var translator = new Translator(normalized);
        if (!translator.Run(out error))
        {
            return false;
        }

        string translated = translator.Output;
        TimeSpan timeout = matchTimeout ?? DefaultMatchTimeout;
        try
        {
            // Checks the syntax only (the backtracking parser is cheap); the engine is chosen and built on first use.
            _ = new Regex(translated, RegexOptions.CultureInvariant, timeout);
        }
        catch (ArgumentException e)
        {
            error = $"The expression is malformed: {e.Message}";
            return false;
        }

        (byte[] literal, bool ignoreCase) = translator.RequiredLiteral();
        regex = new StixRegex(normalized, translated, timeout, literal, ignoreCase);
        error = null;
        return true;
    }

    /// <summary>Translates and compiles <paramref name="pattern"/>.</summary>
    /// <exception cref="ArgumentException">The expression is malformed or uses something .NET cannot express.</exception>
    public static StixRegex Create(string pattern, TimeSpan? matchTimeout = null) =>
        TryCreate(pattern, out StixRegex? regex, out string? error, matchTimeout) ? regex : throw new ArgumentException(error, nameof(pattern));

    /// <summary>Runs the expression on <paramref name="value"/> (put in NFC first).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public RegexOutcome Match(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Run(TextNormalization.ToNfc(value));
    }

    /// <summary>Runs the expression on the UTF-8 <paramref name="utf8Value"/> (put in NFC first).</summary>
    /// <remarks>Allocation-free for values in NFC up to 1,024 characters. Bench: Patterns/IndexPrefilterBenchmarks.RegexMatch.</remarks>
    public RegexOutcome Match(ReadOnlySpan<byte> utf8Value)
    {
        ReadOnlySpan<byte> nfc = TextNormalization.ToNfc(utf8Value);
        char[]? rented = null;
        Span<char> chars = nfc.Length <= 1024 ? stackalloc char[nfc.Length] : (rented = ArrayPool<char>.Shared.Rent(nfc.Length));
        try
        {
            int count = Encoding.UTF8.GetChars(nfc, chars);
            return Run(chars[..count]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Runs the expression on binary data, each byte read as the code point of the same number (U+0000–U+00FF), as the reference matcher does.</summary>
    public RegexOutcome MatchBinary(ReadOnlySpan<byte> bytes)
    {
        char[]? rented = null;
        Span<char> chars = bytes.Length <= 1024 ? stackalloc char[bytes.Length] : (rented = ArrayPool<char>.Shared.Rent(bytes.Length));
        try
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[i] = (char)bytes[i];
            }

            return Run(chars[..bytes.Length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The expression as given.</summary>
    public override string ToString() => Pattern;

    /// <summary>The .NET expression, built on first use: the linear-time engine when it can run it, else the backtracking one.</summary>
    private Regex Compiled => _regex ?? Build();

    private Regex Build()
    {
        Regex built;
        try
        {
            built = new Regex(DotNetPattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            built = new Regex(DotNetPattern, RegexOptions.CultureInvariant, _matchTimeout);
        }

        // Concurrent first uses may build twice; either instance answers the same, and one is kept.
        return Interlocked.CompareExchange(ref _regex, built, null) ?? built;
    }

    private RegexOutcome Run(ReadOnlySpan<char> value)
    {
        try
        {
            return Compiled.IsMatch(value) ? RegexOutcome.Match : RegexOutcome.NoMatch;
        }
        catch (RegexMatchTimeoutException)
        {
            return RegexOutcome.Timeout;
        }
    }

    /// <summary>One pass over a PCRE expression: writes the .NET form and records the top-level atoms for the literal.</summary>
    private sealed class Translator(string pattern)
    {
        private const string Digit = "0-9";
        private const string NotDigit = "\\x00-/:-\\uFFFF";
        private const string Word = "0-9A-Z_a-z";
        private const string NotWord = "\\x00-/:-@\\[-\\^`{-\\uFFFF";
        private const string Space = "\\t\\n\\x0B\\f\\r ";
        private const string NotSpace = "\\x00-\\x08\\x0E-\\x1F!-\\uFFFF";
        private const string HSpace = "\\t \\u00A0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000";
        private const string NotHSpace = "\\x00-\\x08\\n-\\x1F!-\\x9F\\xA1-\\u167F\\u1681-\\u180D\\u180F-\\u1FFF\\u200B-\\u202E\\u2030-\\u205E\\u2060-\\u2FFF\\u3001-\\uFFFF";
        private const string VSpace = "\\n\\x0B\\f\\r\\x85\\u2028\\u2029";
        private const string NotVSpace = "\\x00-\\t\\x0E-\\x84\\x86-\\u2027\\u202A-\\uFFFF";

        private static readonly string[] s_categories =
        [
            "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl",
            "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
        ];

        private const string AstralInClass = "Characters outside the Basic Multilingual Plane are not supported in a character class.";

        private readonly StringBuilder _out = new(pattern.Length + 16);
        private readonly List<Atom> _atoms = [];
        private int _i;
        private int _depth;
        private bool _alternation;  // a '|' at the top level
        private bool _extended;     // the x flag appears
        private bool _ignoreCase;   // the i flag appears

        public string Output => _out.ToString();

        public bool Run([NotNullWhen(false)] out string? error)
        {
            error = null;
            while (_i < pattern.Length && error is null)
            {
                char c = pattern[_i];
                switch (c)
                {
                    case '\\':
                        error = Escape();
                        break;
                    case '[':
                        error = Class();
                        break;
                    case '(':
                        error = GroupOpen();
                        break;
                    case ')':
                        _out.Append(')');
                        _i++;
                        _depth--;
                        break;
                    case '|':
                        _alternation |= _depth == 0;
                        _out.Append('|');
                        _i++;
                        break;
                    case '*' or '+' or '?':
                        _out.Append(c);
                        _i++;
                        error = QuantifierEnd(c == '+' ? 1 : 0);
                        break;
                    case '{':
                        if (TryCountedQuantifier(out int min, out int end))
                        {
                            _out.Append(pattern, _i, end - _i);
                            _i = end;
                            error = QuantifierEnd(min);
                        }
                        else
                        {
                            _out.Append("\\{");
                            _i++;
                            AddLiteral('{');
                        }

                        break;
                    case '.' or '^' or '$':
                        _out.Append(c);
                        _i++;
                        AddOther();
                        break;
                    default:
                        int codePoint = CodePointAt(pattern, _i, out int width);
                        if (width == 2)
                        {
                            AppendCodePoint(codePoint); // grouped, so that a quantifier takes the whole character
                        }
                        else
                        {
                            _out.Append(c);
                        }

                        _i += width;
                        if (_extended && (c == '#' || char.IsWhiteSpace(c)))
                        {
                            AddOther();
                        }
                        else
                        {
                            AddLiteral(codePoint);
                        }

                        break;
                }
            }

            return error is null;
        }

        /// <summary>The longest top-level run of literal characters, as UTF-8, and whether it must be found ignoring case.</summary>
        public (byte[] Literal, bool IgnoreCase) RequiredLiteral()
        {
            if (_alternation || _extended)
            {
                return ([], false);
            }

            var best = new StringBuilder();
            var run = new StringBuilder();
            foreach (Atom atom in _atoms)
            {
                bool usable = atom.CodePoint >= 0 && !(_ignoreCase && atom.CodePoint > 0x7F);
                if (!usable || (atom.Quantified && atom.Min == 0))
                {
                    Keep(run, best);
                    continue;
                }

                string text = char.ConvertFromUtf32(atom.CodePoint);
                run.Append(_ignoreCase ? text.ToLowerInvariant() : text);
                if (atom.Quantified)
                {
                    // Required at least once, but what follows may come after more repetitions: end the run here and
                    // start the next one with this character, its last repetition.
                    Keep(run, best);
                    run.Append(_ignoreCase ? text.ToLowerInvariant() : text);
                }
            }

            Keep(run, best);
            return (Encoding.UTF8.GetBytes(best.ToString()), _ignoreCase);

            static void Keep(StringBuilder run, StringBuilder best)
            {
                if (Encoding.UTF8.GetByteCount(run.ToString()) > Encoding.UTF8.GetByteCount(best.ToString()))
                {
                    best.Clear().Append(run);
                }

                run.Clear();
            }
        }

        private void AddLiteral(int codePoint)
        {
            if (_depth == 0)
            {
                _atoms.Add(new Atom(codePoint));
            }
        }

        private void AddOther()
        {
            if (_depth == 0)
            {
                _atoms.Add(new Atom(-1));
            }
        }

        private string? QuantifierEnd(int min)
        {
            if (_i < pattern.Length && pattern[_i] == '+')
            {
                return "Possessive quantifiers (such as a++) are not supported; use an atomic group (?>…).";
            }

            if (_i < pattern.Length && pattern[_i] == '?')
            {
                _out.Append('?'); // lazy
                _i++;
            }

            if (_depth == 0 && _atoms.Count > 0)
            {
                Atom last = _atoms[^1];
                _atoms[^1] = last with { Quantified = true, Min = last.Quantified ? Math.Min(last.Min, min) : min };
            }

            return null;
        }

        private bool TryCountedQuantifier(out int min, out int end)
        {
            // {n}, {n,} or {n,m}; anything else is a literal brace, in PCRE and in .NET.
            min = 0;
            int j = _i + 1;
            int start = j;
            while (j < pattern.Length && char.IsAsciiDigit(pattern[j]))
            {
                j++;
            }

            end = 0;
            if (j == start || j - start > 9)
            {
                return false;
            }

            min = int.Parse(pattern.AsSpan(start, j - start), CultureInfo.InvariantCulture);
            if (j < pattern.Length && pattern[j] == ',')
            {
                j++;
                while (j < pattern.Length && char.IsAsciiDigit(pattern[j]))
                {
                    j++;
                }
            }

            if (j >= pattern.Length || pattern[j] != '}')
            {
                return false;
            }

            end = j + 1;
            return true;
        }

        private string? GroupOpen()
        {
            bool topLevel = _depth == 0;
            if (_i + 1 < pattern.Length && pattern[_i + 1] == '*')
            {
                return "Backtracking verbs such as (*FAIL) are not supported.";
            }

            if (_i + 1 >= pattern.Length || pattern[_i + 1] != '?')
            {
                _out.Append('(');
                _i++;
                OpenGroup(topLevel);
                return null;
            }

            ReadOnlySpan<char> rest = pattern.AsSpan(_i + 2);
            if (rest.StartsWith("#"))
            {
                int close = rest.IndexOf(')');
                if (close < 0)
                {
                    return "A comment (?#… is not closed.";
                }

                _i += 2 + close + 1; // comments are dropped
                AddOther();
                return null;
            }

            if (rest.StartsWith("P<"))
            {
                _out.Append("(?<");
                _i += 4;
                OpenGroup(topLevel);
                return null;
            }

            if (rest.StartsWith("P="))
            {
                int close = rest.IndexOf(')');
                if (close < 0)
                {
                    return "A back reference (?P=… is not closed.";
                }

                _out.Append("\\k<").Append(rest[2..close]).Append('>');
                _i += 2 + close + 1;
                AddOther();
                return null;
            }

            foreach (string prefix in (string[])[":", "=", "!", "<=", "<!", ">", "'"])
            {
                if (rest.StartsWith(prefix))
                {
                    _out.Append("(?").Append(prefix);
                    _i += 2 + prefix.Length;
                    OpenGroup(topLevel);
                    return null;
                }
            }

            if (rest.StartsWith("<") && rest.Length > 1 && (char.IsAsciiLetter(rest[1]) || rest[1] == '_'))
            {
                _out.Append("(?<");
                _i += 3;
                OpenGroup(topLevel);
                return null;
            }

            if (rest.StartsWith("("))
            {
                return "Conditional groups (?(…)…) are not supported.";
            }

            if (rest.StartsWith("|"))
            {
                return "Branch reset groups (?|…) are not supported.";
            }

            if (rest.StartsWith("C"))
            {
                return "Callouts (?C…) are not supported.";
            }

            if (rest.Length > 0 && (rest[0] is 'R' or '&' or 'P' or '+' || char.IsAsciiDigit(rest[0]) || (rest[0] == '-' && rest.Length > 1 && char.IsAsciiDigit(rest[1]))))
            {
                return "Recursion and subroutine calls are not supported.";
            }

            // Inline flags: (?imsxn-imsxn) or (?imsxn-imsxn: … ).
            int j = 0;
            while (j < rest.Length && rest[j] is not (')' or ':'))
            {
                char flag = rest[j];
                if (flag is not ('i' or 'm' or 's' or 'x' or 'n' or '-'))
                {
                    return $"The inline flag '{flag}' is not supported (i, m, s, x and n are).";
                }

                _ignoreCase |= flag == 'i';
                _extended |= flag == 'x';
                j++;
            }

            if (j == rest.Length)
            {
                return "An inline flag group (?… is not closed.";
            }

            _out.Append("(?").Append(rest[..(j + 1)]);
            _i += 2 + j + 1;
            if (rest[j] == ':')
            {
                OpenGroup(topLevel);
            }
            else
            {
                AddOther();
            }

            return null;
        }

        private void OpenGroup(bool topLevel)
        {
            if (topLevel)
            {
                _atoms.Add(new Atom(-1));
            }

            _depth++;
        }

        private string? Escape()
        {
            if (_i + 1 >= pattern.Length)
            {
                return "The expression ends with a backslash.";
            }

            char e = pattern[_i + 1];
            _i += 2;
            switch (e)
            {
                case 'd': return Other($"[{Digit}]");
                case 'D': return Other($"[{NotDigit}]");
                case 'w': return Other($"[{Word}]");
                case 'W': return Other($"[{NotWord}]");
                case 's': return Other($"[{Space}]");
                case 'S': return Other($"[{NotSpace}]");
                case 'h': return Other($"[{HSpace}]");
                case 'H': return Other($"[{NotHSpace}]");
                case 'v': return Other($"[{VSpace}]");
                case 'V': return Other($"[{NotVSpace}]");
                case 'R': return Other($"(?:\\r\\n|[{VSpace}])");
                case 'N':
                    return _i < pattern.Length && pattern[_i] == '{' ? "Named characters \\N{…} are not supported." : Other("[^\\n]");
                case 'b' or 'B' or 'A' or 'z' or 'Z' or 'G':
                    return Other("\\" + e);
                case 'n': return Literal('\n');
                case 'r': return Literal('\r');
                case 't': return Literal('\t');
                case 'f': return Literal('\f');
                case 'e': return Literal('\u001B');
                case 'a': return Literal('\u0007');
                case '0': return Literal(ReadOctal(2));
                case 'o': return ReadBraced(8, out int octal) ?? Literal(octal);
                case 'x': return ReadHex(out int hex) ?? Literal(hex);
                case 'c':
                    if (_i >= pattern.Length || pattern[_i] > 0x7E || pattern[_i] < 0x20)
                    {
                        return "\\c must be followed by a printable ASCII character.";
                    }

                    return Literal(char.ToUpperInvariant(pattern[_i++]) ^ 0x40);
                case 'Q':
                    int end = pattern.IndexOf("\\E", _i, StringComparison.Ordinal);
                    int stop = end < 0 ? pattern.Length : end;
                    while (_i < stop)
                    {
                        int cp = CodePointAt(pattern, _i, out int width);
                        _i += width;
                        Literal(cp);
                    }

                    _i = end < 0 ? pattern.Length : end + 2;
                    return null;
                case 'E':
                    return null; // a \E without \Q is ignored
                case 'p' or 'P':
                    return Property(e == 'P', out string? property) ?? Other(property!);
                case 'k':
                    return BackReference();
                case >= '1' and <= '9':
                    _out.Append('\\').Append(e);
                    while (_i < pattern.Length && char.IsAsciiDigit(pattern[_i]))
                    {
                        _out.Append(pattern[_i++]);
                    }

                    AddOther();
                    return null;
                case 'g' or 'K' or 'X' or 'C':
                    return $"\\{e} is not supported.";
                default:
                    if (char.IsAsciiLetterOrDigit(e))
                    {
                        return $"\\{e} is not a known escape.";
                    }

                    _i--; // the escaped character may be a surrogate pair
                    int literal = CodePointAt(pattern, _i, out int size);
                    _i += size;
                    return Literal(literal);
            }
        }

        private string? Other(string translated)
        {
            _out.Append(translated);
            AddOther();
            return null;
        }

        private string? Literal(int codePoint)
        {
            AppendCodePoint(codePoint);
            AddLiteral(codePoint);
            return null;
        }

        private void AppendCodePoint(int codePoint)
        {
            if (codePoint < 0x80 && (char.IsAsciiLetterOrDigit((char)codePoint) || codePoint == '_'))
            {
                _out.Append((char)codePoint);
            }
            else if (codePoint <= 0xFFFF)
            {
                _out.Append("\\u").Append(codePoint.ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                // Outside the BMP: the surrogate pair, grouped so that a quantifier applies to the whole character.
                string pair = char.ConvertFromUtf32(codePoint);
                _out.Append("(?:\\u").Append(((int)pair[0]).ToString("X4", CultureInfo.InvariantCulture))
                    .Append("\\u").Append(((int)pair[1]).ToString("X4", CultureInfo.InvariantCulture)).Append(')');
            }
        }

        private int ReadOctal(int maxDigits)
        {
            int value = 0;
            for (int n = 0; n < maxDigits && _i < pattern.Length && pattern[_i] is >= '0' and <= '7'; n++)
            {
                value = (value * 8) + (pattern[_i++] - '0');
            }

            return value;
        }

        private string? ReadHex(out int value)
        {
            if (_i < pattern.Length && pattern[_i] == '{')
            {
                return ReadBraced(16, out value);
            }

            value = 0;
            for (int n = 0; n < 2 && _i < pattern.Length && char.IsAsciiHexDigit(pattern[_i]); n++)
            {
                value = (value * 16) + Convert.ToInt32(pattern[_i++].ToString(), 16);
            }

            return null;
        }

        private string? ReadBraced(int radix, out int value)
        {
            value = 0;
            if (_i >= pattern.Length || pattern[_i] != '{')
            {
                return radix == 8 ? "\\o must be followed by {octal digits}." : "Malformed \\x escape.";
            }

            int close = pattern.IndexOf('}', _i);
            if (close < 0 || close == _i + 1 || close - _i > 9)
            {
                return "Malformed braced character code.";
            }

            long code = 0;
            foreach (char d in pattern.AsSpan(_i + 1, close - _i - 1))
            {
                int digit = char.IsAsciiHexDigit(d) ? Convert.ToInt32(d.ToString(), 16) : 99;
                if (digit >= radix)
                {
                    return "Malformed braced character code.";
                }

                code = (code * radix) + digit;
            }

            if (code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
            {
                return "A character code is not a Unicode scalar value.";
            }

            value = (int)code;
            _i = close + 1;
            return null;
        }

        private string? Property(bool negated, out string? translated)
        {
            translated = null;
            string name;
            if (_i < pattern.Length && pattern[_i] == '{')
            {
                int close = pattern.IndexOf('}', _i);
                if (close < 0)
                {
                    return "A \\p{… property is not closed.";
                }

                name = pattern.Substring(_i + 1, close - _i - 1);
                _i = close + 1;
            }
            else if (_i < pattern.Length)
            {
                name = pattern[_i++].ToString();
            }
            else
            {
                return "\\p must name a property.";
            }

            if (name.StartsWith('^'))
            {
                negated = !negated;
                name = name[1..];
            }

            if (Array.IndexOf(s_categories, name) < 0)
            {
                return $"The property '{name}' is not supported (Unicode general categories such as L, Lu, Nd are).";
            }

            translated = $"\\{(negated ? 'P' : 'p')}{{{name}}}";
            return null;
        }

        private string? BackReference()
        {
            if (_i >= pattern.Length)
            {
                return "\\k must name a group.";
            }

            char open = pattern[_i];
            char close = open switch { '<' => '>', '\'' => '\'', '{' => '}', _ => '\0' };
            int end = close == '\0' ? -1 : pattern.IndexOf(close, _i + 1);
            if (end < 0)
            {
                return "\\k must name a group: \\k<name>, \\k'name' or \\k{name}.";
            }

            _out.Append("\\k<").Append(pattern, _i + 1, end - _i - 1).Append('>');
            _i = end + 1;
            AddOther();
            return null;
        }

        private string? Class()
        {
            _i++;
            _out.Append('[');
            if (_i < pattern.Length && pattern[_i] == '^')
            {
                _out.Append('^');
                _i++;
            }

            if (_i < pattern.Length && pattern[_i] == ']')
            {
                _out.Append("\\]"); // a ']' first is a literal
                _i++;
            }

            while (true)
            {
                if (_i >= pattern.Length)
                {
                    return "A character class [… is not closed.";
                }

                char c = pattern[_i];
                if (c == ']')
                {
                    _out.Append(']');
                    _i++;
                    AddOther();
                    return null;
                }

                if (c == '[')
                {
                    if (pattern.AsSpan(_i).StartsWith("[:"))
                    {
                        int close = pattern.IndexOf(":]", _i + 2, StringComparison.Ordinal);
                        string? posix = close < 0 ? null : Posix(pattern.Substring(_i + 2, close - _i - 2));
                        if (posix is not null)
                        {
                            _out.Append(posix);
                            _i = close + 2;
                            continue;
                        }

                        if (close >= 0)
                        {
                            return $"The POSIX class [:{pattern.Substring(_i + 2, close - _i - 2)}:] is not supported.";
                        }
                    }

                    _out.Append("\\[");
                    _i++;
                    continue;
                }

                if (c != '\\')
                {
                    if (char.IsSurrogate(c))
                    {
                        return AstralInClass;
                    }

                    _out.Append(c);
                    _i++;
                    continue;
                }

                if (_i + 1 >= pattern.Length)
                {
                    return "The expression ends with a backslash.";
                }

                char e = pattern[_i + 1];
                _i += 2;
                string? error = null;
                switch (e)
                {
                    case 'd': _out.Append(Digit); break;
                    case 'D': _out.Append(NotDigit); break;
                    case 'w': _out.Append(Word); break;
                    case 'W': _out.Append(NotWord); break;
                    case 's': _out.Append(Space); break;
                    case 'S': _out.Append(NotSpace); break;
                    case 'h': _out.Append(HSpace); break;
                    case 'H': _out.Append(NotHSpace); break;
                    case 'v': _out.Append(VSpace); break;
                    case 'V': _out.Append(NotVSpace); break;
                    case 'b': error = ClassCodePoint(8); break;
                    case 'n': error = ClassCodePoint('\n'); break;
                    case 'r': error = ClassCodePoint('\r'); break;
                    case 't': error = ClassCodePoint('\t'); break;
                    case 'f': error = ClassCodePoint('\f'); break;
                    case 'e': error = ClassCodePoint(0x1B); break;
                    case 'a': error = ClassCodePoint(7); break;
                    case >= '0' and <= '7':
                        _i--;
                        error = ClassCodePoint(ReadOctal(3));
                        break;
                    case 'o':
                        error = ReadBraced(8, out int octal);
                        error ??= ClassCodePoint(octal);

                        break;
                    case 'x':
                        error = ReadHex(out int hex);
                        error ??= ClassCodePoint(hex);

                        break;
                    case 'c':
                        if (_i >= pattern.Length || pattern[_i] > 0x7E || pattern[_i] < 0x20)
                        {
                            return "\\c must be followed by a printable ASCII character.";
                        }

                        error = ClassCodePoint(char.ToUpperInvariant(pattern[_i++]) ^ 0x40);
                        break;
                    case 'Q':
                        int end = pattern.IndexOf("\\E", _i, StringComparison.Ordinal);
                        int stop = end < 0 ? pattern.Length : end;
                        while (_i < stop && error is null)
                        {
                            error = ClassCodePoint(CodePointAt(pattern, _i, out int width));
                            _i += width;
                        }

                        _i = end < 0 ? pattern.Length : end + 2;
                        break;
                    case 'E':
                        break;
                    case 'p' or 'P':
                        error = Property(e == 'P', out string? property);
                        _out.Append(property);
                        break;
                    default:
                        if (char.IsAsciiLetterOrDigit(e))
                        {
                            return $"\\{e} is not supported in a character class.";
                        }

                        _i--;
                        error = ClassCodePoint(CodePointAt(pattern, _i, out int size));
                        _i += size;
                        break;
                }

                if (error is not null)
                {
                    return error;
                }
            }
        }

        private string? ClassCodePoint(int codePoint)
        {
            if (codePoint > 0xFFFF)
            {
                return AstralInClass; // a .NET class holds UTF-16 code units
            }

            _out.Append("\\u").Append(codePoint.ToString("X4", CultureInfo.InvariantCulture));
            return null;
        }

        private static string? Posix(string name) => name switch
        {
            "alpha" => "A-Za-z",
            "digit" => "0-9",
            "alnum" => "0-9A-Za-z",
            "upper" => "A-Z",
            "lower" => "a-z",
            "space" => Space,
            "blank" => "\\t ",
            "xdigit" => "0-9A-Fa-f",
            "punct" => "!-/:-@\\[-`{-~",
            "word" => Word,
            "cntrl" => "\\x00-\\x1F\\x7F",
            "print" => " -~",
            "graph" => "!-~",
            "ascii" => "\\x00-\\x7F",
            _ => null,
        };

        /// <summary>The code point at <paramref name="index"/> and its width in UTF-16 code units (the text holds no unpaired surrogates).</summary>
        private static int CodePointAt(string text, int index, out int width)
        {
            if (char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                width = 2;
                return char.ConvertToUtf32(text[index], text[index + 1]);
            }

            width = 1;
            return text[index];
        }

        private readonly record struct Atom(int CodePoint, bool Quantified = false, int Min = 0);
    }
}
