using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Detente.Stix;

namespace Detente.Patterns.Parsing;

/// <summary>
/// A hand-written lexer and recursive-descent parser for the STIX patterning grammar (OASIS STIXPattern.g4, 2.1 and 2.0).
/// </summary>
/// <remarks>
/// <para>
/// One pass over the string, one token of look-ahead, no regular expressions and no LINQ. Names are interned
/// (<see cref="NameTable"/>); a simple pattern such as <c>[ipv4-addr:value = '198.51.100.3']</c> allocates only its
/// nodes and its string constant. Bench: Patterns/PatternParseBenchmarks.
/// </para>
/// <para>
/// Recursion happens only at a bracket or parenthesis, whose nesting is bounded by <see cref="PatternLimits.MaxDepth"/>
/// (and by the thread's stack, checked at each level); chains of one operator and lists of qualifiers are loops.
/// Every failure is a <see cref="PatternSyntaxException"/>; nothing else escapes for any input.
/// </para>
/// </remarks>
internal ref struct PatternParser
{
    private const string OrderableConstant = "an orderable constant (a number, string, timestamp, binary or hex constant)";

    private readonly string _text;
    private readonly PatternVersion _version;
    private readonly int _maxDepth;
    private readonly NameTable _names;
    private int _depth;

    // The lexer: _pos is the next character to read; the current token is [_start, _end).
    private int _pos;
    private TokenKind _kind;
    private int _start;
    private int _end;
    private bool _hyphen; // an identifier with a hyphen (an object type, never a property name)
    private int _escapes; // escapes in a string token
    private StixTimestamp _timestamp; // the value of a timestamp token
    private ImmutableArray<byte> _bytes; // the value of a binary or hex token

    private PatternParser(string text, PatternVersion version, int maxDepth)
    {
        _text = text;
        _version = version;
        _maxDepth = maxDepth;
        _names = NameTable.Current;
    }

    public static Pattern Parse(string text, PatternVersion version, PatternLimits limits)
    {
        if (text.Length > limits.MaxLength)
        {
            throw new PatternSyntaxException(limits.MaxLength,
                string.Create(CultureInfo.InvariantCulture, $"a pattern of at most {limits.MaxLength} characters"), "a longer pattern");
        }

        var parser = new PatternParser(text, version, limits.MaxDepth);
        parser.Next();
        ObservationExpression root = parser.ParseObservation(0);
        if (parser._kind != TokenKind.End)
        {
            throw parser.Unexpected("AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern");
        }

        return new Pattern(root, version, trusted: true);
    }

    // Observation expressions. Levels: 0 FOLLOWEDBY, 1 OR, 2 AND (lowest precedence first), 3 qualified.

    private ObservationExpression ParseObservation(int level)
    {
        if (level == 3)
        {
            return ParseQualified();
        }

        ObservationExpression first = ParseObservation(level + 1);
        TokenKind op = level switch { 0 => TokenKind.FollowedBy, 1 => TokenKind.Or, _ => TokenKind.And };
        if (_kind != op)
        {
            return first;
        }

        var operands = ImmutableArray.CreateBuilder<ObservationExpression>(4);
        operands.Add(first);
        while (_kind == op)
        {
            Next();
            operands.Add(ParseObservation(level + 1));
        }

        ObservationOperator observationOperator = level switch
        {
            0 => ObservationOperator.FollowedBy,
            1 => ObservationOperator.Or,
            _ => ObservationOperator.And,
        };
        return new CompoundObservation(observationOperator, operands.DrainToImmutable()) { Position = first.Position };
    }

    private ObservationExpression ParseQualified()
    {
        ObservationExpression expression = ParsePrimaryObservation();
        if (_kind is not (TokenKind.Within or TokenKind.Repeats or TokenKind.Start))
        {
            return expression;
        }

        var qualifiers = ImmutableArray.CreateBuilder<PatternQualifier>(2);
        while (_kind is TokenKind.Within or TokenKind.Repeats or TokenKind.Start)
        {
            qualifiers.Add(ParseQualifier());
        }

        return new QualifiedObservation(expression, qualifiers.DrainToImmutable()) { Position = expression.Position };
    }

    private ObservationExpression ParsePrimaryObservation()
    {
        int start = _start;
        if (_kind == TokenKind.LBracket)
        {
            Enter();
            Next();
            ComparisonExpression comparison = ParseComparison(0);
            if (_kind != TokenKind.RBracket)
            {
                throw Unexpected("AND, OR or ']'");
            }

            _depth--;
            Next();
            return new SimpleObservation(comparison) { Position = start };
        }

        if (_kind == TokenKind.LParen)
        {
            Enter();
            Next();
            ObservationExpression inner = ParseObservation(0);
            if (_kind != TokenKind.RParen)
            {
                throw Unexpected("AND, OR, FOLLOWEDBY, a qualifier or ')'");
            }

            _depth--;
            Next();
            return inner;
        }

        throw Unexpected("'[' or '('");
    }

    private PatternQualifier ParseQualifier()
    {
        int start = _start;
        switch (_kind)
        {
            case TokenKind.Within:
                Next();
                if (_kind is not (TokenKind.Integer or TokenKind.Float) || _text[_start] == '-')
                {
                    throw Unexpected("a positive number of seconds");
                }

                double seconds = ParseDouble();
                Next();
                Expect(TokenKind.Seconds, "SECONDS");
                return new WithinQualifier(seconds) { Position = start };

            case TokenKind.Repeats:
                Next();
                if (_kind != TokenKind.Integer || _text[_start] == '-')
                {
                    throw Unexpected("a positive integer");
                }

                long count = ParseUnsigned(int.MaxValue, "a repeat count of at most 2147483647");
                Next();
                Expect(TokenKind.Times, "TIMES");
                return new RepeatsQualifier((int)count) { Position = start };

            default:
                Next();
                StixTimestamp startTime = ParseQualifierTime();
                Expect(TokenKind.Stop, "STOP");
                StixTimestamp stopTime = ParseQualifierTime();
                return new StartStopQualifier(startTime, stopTime) { Position = start };
        }
    }

    /// <summary>A START or STOP time: a timestamp constant in 2.1, a string holding a timestamp in 2.0.</summary>
    private StixTimestamp ParseQualifierTime()
    {
        StixTimestamp value;
        if (_version == PatternVersion.V21)
        {
            if (_kind != TokenKind.Timestamp)
            {
                throw Unexpected("a timestamp (t'YYYY-MM-DDTHH:mm:ss[.s+]Z')");
            }

            value = _timestamp;
        }
        else
        {
            if (_kind != TokenKind.String)
            {
                throw Unexpected("a timestamp string ('YYYY-MM-DDTHH:mm:ss[.s+]Z')");
            }

            if (!StixTimestamp.TryParse(DecodeString(), out value))
            {
                throw Error(_start, "a timestamp string ('YYYY-MM-DDTHH:mm:ss[.s+]Z')", "a string that is not a STIX timestamp");
            }
        }

        Next();
        return value;
    }

    // Comparison expressions. Levels: 0 OR, 1 AND, 2 primary.

    private ComparisonExpression ParseComparison(int level)
    {
        if (level == 2)
        {
            return ParsePrimaryComparison();
        }

        ComparisonExpression first = ParseComparison(level + 1);
        TokenKind op = level == 0 ? TokenKind.Or : TokenKind.And;
        if (_kind != op)
        {
            return first;
        }

        var operands = ImmutableArray.CreateBuilder<ComparisonExpression>(4);
        operands.Add(first);
        while (_kind == op)
        {
            Next();
            operands.Add(ParseComparison(level + 1));
        }

        return new CompoundComparison(level == 0 ? BooleanOperator.Or : BooleanOperator.And, operands.DrainToImmutable())
        {
            Position = first.Position,
        };
    }

    private ComparisonExpression ParsePrimaryComparison()
    {
        int start = _start;
        switch (_kind)
        {
            case TokenKind.Identifier:
                return ParsePropertyComparison();

            case TokenKind.LParen:
                Enter();
                Next();
                ComparisonExpression inner = ParseComparison(0);
                if (_kind != TokenKind.RParen)
                {
                    throw Unexpected("AND, OR or ')'");
                }

                _depth--;
                Next();
                return inner;

            case TokenKind.Exists:
                Next();
                return new ExistsComparison(ParsePath(), negated: false) { Position = start };

            case TokenKind.Not when _version == PatternVersion.V21:
                Next();
                if (_kind != TokenKind.Exists)
                {
                    throw Unexpected("EXISTS (NOT before an object path is written after it: a NOT = b)");
                }

                Next();
                return new ExistsComparison(ParsePath(), negated: true) { Position = start };

            default:
                throw Unexpected(_version == PatternVersion.V21 ? "an object path, '(', EXISTS or NOT EXISTS" : "an object path or '('");
        }
    }

    private PropertyComparison ParsePropertyComparison()
    {
        ObjectPath path = ParsePath();
        bool negated = false;
        if (_kind == TokenKind.Not)
        {
            negated = true;
            Next();
        }

        ComparisonOperator op;
        PatternConstant value;
        switch (_kind)
        {
            case TokenKind.Eq or TokenKind.Neq:
                op = _kind == TokenKind.Eq ? ComparisonOperator.Equal : ComparisonOperator.NotEqual;
                Next();
                value = ParseConstant(allowBoolean: true);
                break;

            case TokenKind.Gt or TokenKind.Lt or TokenKind.Ge or TokenKind.Le:
                op = _kind switch
                {
                    TokenKind.Gt => ComparisonOperator.GreaterThan,
                    TokenKind.Lt => ComparisonOperator.LessThan,
                    TokenKind.Ge => ComparisonOperator.GreaterThanOrEqual,
                    _ => ComparisonOperator.LessThanOrEqual,
                };
                Next();
                value = ParseConstant(allowBoolean: false);
                break;

            case TokenKind.In:
                op = ComparisonOperator.In;
                Next();
                value = ParseSet();
                break;

            case TokenKind.Like or TokenKind.Matches or TokenKind.IsSubset or TokenKind.IsSuperset:
                op = _kind switch
                {
                    TokenKind.Like => ComparisonOperator.Like,
                    TokenKind.Matches => ComparisonOperator.Matches,
                    TokenKind.IsSubset => ComparisonOperator.IsSubset,
                    _ => ComparisonOperator.IsSuperset,
                };
                Next();
                if (_kind != TokenKind.String)
                {
                    throw Unexpected("a string");
                }

                value = new StringConstant(DecodeString()) { Position = _start };
                Next();
                break;

            default:
                throw Unexpected(negated ? "a comparison operator after NOT" : "a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) or NOT");
        }

        return new PropertyComparison(path, op, value, negated) { Position = path.Position };
    }

    private ObjectPath ParsePath()
    {
        int start = _start;
        if (_kind != TokenKind.Identifier)
        {
            throw Unexpected("an object path (object-type:property)");
        }

        string objectType = _names.Intern(Token);
        Next();
        if (_kind != TokenKind.Colon)
        {
            throw Unexpected("':' after the object type");
        }

        Next();
        PathComponent first = ParsePropertyName();
        if (_kind is not (TokenKind.Dot or TokenKind.LBracket))
        {
            return new ObjectPath(objectType, ImmutableArray.Create(first), trusted: true) { Position = start };
        }

        var components = ImmutableArray.CreateBuilder<PathComponent>(4);
        components.Add(first);
        while (true)
        {
            if (_kind == TokenKind.Dot)
            {
                Next();
                components.Add(ParsePropertyName());
            }
            else if (_kind == TokenKind.LBracket)
            {
                Next();
                if (_kind == TokenKind.Asterisk)
                {
                    components.Add(PathComponent.AnyIndex);
                }
                else if (_kind == TokenKind.Integer)
                {
                    components.Add(PathComponent.OfIndex(ParseIndex()));
                }
                else
                {
                    throw Unexpected("a list index or '*'");
                }

                Next();
                Expect(TokenKind.RBracket, "']'");
            }
            else
            {
                break;
            }
        }

        return new ObjectPath(objectType, components.DrainToImmutable(), trusted: true) { Position = start };
    }

    private PathComponent ParsePropertyName()
    {
        PathComponent component;
        if (_kind == TokenKind.Identifier && !_hyphen)
        {
            component = PathComponent.OfProperty(_names.Intern(Token));
        }
        else if (_kind == TokenKind.String)
        {
            // Quoted names ('SHA-256', 'windows-pebinary-ext') repeat as much as bare ones.
            component = PathComponent.OfProperty(_escapes == 0 ? _names.Intern(_text.AsSpan(_start + 1, _end - _start - 2)) : DecodeString());
        }
        else
        {
            throw Unexpected(_kind == TokenKind.Identifier
                ? "a property name (one with '-' or '.' is quoted: 'SHA-256')"
                : "a property name");
        }

        Next();
        return component;
    }

    private PatternConstant ParseConstant(bool allowBoolean)
    {
        int start = _start;
        PatternConstant constant;
        switch (_kind)
        {
            case TokenKind.String:
                constant = new StringConstant(DecodeString()) { Position = start };
                break;
            case TokenKind.Integer:
                constant = new IntegerConstant(ParseInteger()) { Position = start };
                break;
            case TokenKind.Float:
                constant = new FloatConstant(ParseDouble()) { Position = start };
                break;
            case TokenKind.Timestamp:
                constant = new TimestampConstant(_timestamp) { Position = start };
                break;
            case TokenKind.Binary:
                constant = new BinaryConstant(_bytes, BinaryEncoding.Base64) { Position = start };
                break;
            case TokenKind.Hex:
                constant = new BinaryConstant(_bytes, BinaryEncoding.Hex) { Position = start };
                break;
            case TokenKind.True or TokenKind.False when allowBoolean:
                constant = new BooleanConstant(_kind == TokenKind.True) { Position = start };
                break;
            default:
                throw Unexpected(allowBoolean ? "a constant" : OrderableConstant);
        }

        Next();
        return constant;
    }

    private SetConstant ParseSet()
    {
        int start = _start;
        if (_kind != TokenKind.LParen)
        {
            throw Unexpected("'(' to start a set of constants");
        }

        Next();
        var items = ImmutableArray.CreateBuilder<PatternConstant>();
        if (_kind != TokenKind.RParen)
        {
            while (true)
            {
                items.Add(ParseConstant(allowBoolean: true));
                if (_kind == TokenKind.Comma)
                {
                    Next();
                }
                else if (_kind == TokenKind.RParen)
                {
                    break;
                }
                else
                {
                    throw Unexpected("',' or ')'");
                }
            }
        }

        Next();
        return new SetConstant(items.DrainToImmutable()) { Position = start };
    }

    // Values of the current token.

    private readonly ReadOnlySpan<char> Token => _text.AsSpan(_start, _end - _start);

    private readonly string DecodeString()
    {
        int length = _end - _start - 2;
        if (_escapes == 0)
        {
            return _text.Substring(_start + 1, length);
        }

        return string.Create(length - _escapes, (_text, _start + 1, length), static (destination, state) =>
        {
            ReadOnlySpan<char> source = state.Item1.AsSpan(state.Item2, state.Item3);
            int written = 0;
            for (int i = 0; i < source.Length; i++)
            {
                char c = source[i];
                destination[written++] = c == '\\' ? source[++i] : c; // the lexer allowed only \' and \\
            }
        });
    }

    /// <summary>An integer constant, within the STIX range ±(2^53 − 1) (STIX 2.1 §2.10).</summary>
    private readonly long ParseInteger()
    {
        ReadOnlySpan<char> token = Token;
        bool negative = token[0] == '-';
        long magnitude = ParseUnsigned(IntegerConstant.MaxValue, "an integer within ±9007199254740991 (STIX 2.1 §2.10)");
        return negative ? -magnitude : magnitude;
    }

    /// <summary>A list index: an int, possibly negative (the grammar allows it; it selects nothing).</summary>
    private readonly int ParseIndex()
    {
        bool negative = _text[_start] == '-';
        long magnitude = ParseUnsigned(negative ? 2147483648L : int.MaxValue, "a list index within the range of a 32-bit integer");
        return (int)(negative ? -magnitude : magnitude);
    }

    /// <summary>The digits of the current integer token, refused above <paramref name="max"/>.</summary>
    private readonly long ParseUnsigned(long max, string expected)
    {
        ReadOnlySpan<char> token = Token;
        int i = token[0] is '+' or '-' ? 1 : 0;
        long value = 0;
        for (; i < token.Length; i++)
        {
            value = (value * 10) + (token[i] - '0');
            if (value > max)
            {
                throw Error(_start, expected, "an integer out of that range");
            }
        }

        return value;
    }

    /// <summary>A float constant or a WITHIN value: finite (STIX 2.1 §2.6).</summary>
    private readonly double ParseDouble()
    {
        // The lexer allowed only [+-]?[0-9]*(\.[0-9]+)?, which parses; huge values give infinity, not an exception.
        double value = double.Parse(Token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw Error(_start, "a number within the range of a 64-bit floating-point number", "a number out of that range");
        }

        return value;
    }

    private void Expect(TokenKind kind, string expected)
    {
        if (_kind != kind)
        {
            throw Unexpected(expected);
        }

        Next();
    }

    /// <summary>One more level of brackets or parentheses, within the limit and the thread's stack.</summary>
    private void Enter()
    {
        if (++_depth > _maxDepth)
        {
            throw Error(_start, string.Create(CultureInfo.InvariantCulture, $"at most {_maxDepth} nested brackets and parentheses"),
                Lexicon.Describe(_kind, Token, _hyphen));
        }

        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error(_start, "less nesting (this thread's stack is too small for it)", Lexicon.Describe(_kind, Token, _hyphen));
        }
    }

    // The lexer.

    /// <summary>Reads the next token, skipping whitespace and comments (the grammar's WS, COMMENT and LINE_COMMENT rules).</summary>
    private void Next()
    {
        string text = _text;
        int pos = _pos;
        while (pos < text.Length)
        {
            char c = text[pos];
            if (Lexicon.IsWhiteSpace(c))
            {
                pos++;
            }
            else if (c == '/' && pos + 1 < text.Length && text[pos + 1] == '*')
            {
                int close = text.IndexOf("*/", pos + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw Error(pos, "'*/' to close the comment", "end of pattern");
                }

                pos = close + 2;
            }
            else if (c == '/' && pos + 1 < text.Length && text[pos + 1] == '/')
            {
                int end = text.AsSpan(pos + 2).IndexOfAny('\r', '\n');
                pos = end < 0 ? text.Length : pos + 2 + end;
            }
            else
            {
                break;
            }
        }

        _start = pos;
        _hyphen = false;
        if (pos >= text.Length)
        {
            _kind = TokenKind.End;
            _end = _pos = pos;
            return;
        }

        char ch = text[pos];
        int next = pos + 1;
        switch (ch)
        {
            case '[': _kind = TokenKind.LBracket; break;
            case ']': _kind = TokenKind.RBracket; break;
            case '(': _kind = TokenKind.LParen; break;
            case ')': _kind = TokenKind.RParen; break;
            case ':': _kind = TokenKind.Colon; break;
            case ',': _kind = TokenKind.Comma; break;
            case '*': _kind = TokenKind.Asterisk; break;
            case '^': _kind = TokenKind.Caret; break;
            case '/': _kind = TokenKind.Slash; break;
            case '=':
                _kind = TokenKind.Eq;
                next = At(next, '=') ? next + 1 : next;
                break;
            case '!':
                _kind = At(next, '=') ? TokenKind.Neq : TokenKind.Invalid;
                next = _kind == TokenKind.Neq ? next + 1 : next;
                break;
            case '<':
                (_kind, next) = At(next, '=') ? (TokenKind.Le, next + 1) : At(next, '>') ? (TokenKind.Neq, next + 1) : (TokenKind.Lt, next);
                break;
            case '>':
                (_kind, next) = At(next, '=') ? (TokenKind.Ge, next + 1) : (TokenKind.Gt, next);
                break;
            case '\'':
                next = LexString(pos);
                break;
            case '.':
                if (IsDigitAt(next))
                {
                    next = LexNumber(pos);
                }
                else
                {
                    _kind = TokenKind.Dot;
                }

                break;
            case '+' or '-':
                if (IsDigitAt(next) || (At(next, '.') && IsDigitAt(next + 1)))
                {
                    next = LexNumber(next);
                }
                else
                {
                    _kind = ch == '+' ? TokenKind.Plus : TokenKind.Minus;
                }

                break;
            default:
                if (char.IsAsciiDigit(ch))
                {
                    next = LexNumber(pos);
                }
                else if (Lexicon.IsIdentifierStart(ch))
                {
                    next = LexWord(pos);
                }
                else
                {
                    _kind = TokenKind.Invalid;
                    next = char.IsHighSurrogate(ch) && next < text.Length && char.IsLowSurrogate(text[next]) ? next + 1 : next;
                }

                break;
        }

        _end = _pos = next;
    }

    private readonly bool At(int index, char c) => index < _text.Length && _text[index] == c;

    private readonly bool IsDigitAt(int index) => index < _text.Length && char.IsAsciiDigit(_text[index]);

    /// <summary>IntPosLiteral/IntNegLiteral (<c>0</c> or <c>[1-9][0-9]*</c>) or FloatPosLiteral/FloatNegLiteral
    /// (<c>[0-9]*\.[0-9]+</c>), longest match first as the grammar's lexer does; <paramref name="digits"/> is after any sign.</summary>
    private int LexNumber(int digits)
    {
        string text = _text;
        int i = digits;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (At(i, '.') && IsDigitAt(i + 1))
        {
            i += 2;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            _kind = TokenKind.Float;
            return i;
        }

        _kind = TokenKind.Integer;
        return text[digits] == '0' ? digits + 1 : i; // "012" is the integer 0, then the integer 12: a syntax error
    }

    /// <summary>An identifier or keyword, or the prefix of a timestamp, binary or hex constant (<c>t'</c>, <c>b'</c>, <c>h'</c>).</summary>
    private int LexWord(int start)
    {
        string text = _text;
        int i = start + 1;
        bool hyphen = false;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                i++;
            }
            else if (c == '-')
            {
                hyphen = true;
                i++;
            }
            else
            {
                break;
            }
        }

        if (i == start + 1 && At(i, '\''))
        {
            switch (text[start])
            {
                case 't': return LexTimestamp(start);
                case 'b': return LexBinary(start);
                case 'h': return LexHex(start);
            }
        }

        _hyphen = hyphen;
        _kind = hyphen ? TokenKind.Identifier : Lexicon.Keyword(text.AsSpan(start, i - start), _version);
        return i;
    }

    /// <summary>StringLiteral: <c>'…'</c> where a backslash escapes only an apostrophe or a backslash.</summary>
    private int LexString(int start)
    {
        string text = _text;
        int i = start + 1;
        int escapes = 0;
        while (true)
        {
            int found = text.AsSpan(i).IndexOfAny('\'', '\\');
            if (found < 0)
            {
                throw Error(text.Length, "an apostrophe (') to close the string", "end of pattern");
            }

            i += found;
            if (text[i] == '\'')
            {
                break;
            }

            if (i + 1 < text.Length && text[i + 1] is '\'' or '\\')
            {
                escapes++;
                i += 2;
                continue;
            }

            throw Error(i, @"\' or \\ (the only escapes in a string)",
                i + 1 < text.Length ? "a backslash before " + Lexicon.Character(text.AsSpan(i + 1)) : "a backslash at the end of the pattern");
        }

        _kind = TokenKind.String;
        _escapes = escapes;
        return i + 1;
    }

    /// <summary>TimestampLiteral: <c>t'…'</c> holding a STIX timestamp (STIX 2.1 §2.16), checked as <see cref="StixTimestamp"/> does.</summary>
    private int LexTimestamp(int start)
    {
        string text = _text;
        int close = text.IndexOf('\'', start + 2);
        if (close < 0)
        {
            throw Error(text.Length, "an apostrophe (') to close the timestamp", "end of pattern");
        }

        if (!StixTimestamp.TryParse(text.Substring(start + 2, close - start - 2), out _timestamp))
        {
            throw Error(start, "a timestamp t'YYYY-MM-DDTHH:mm:ss[.s+]Z' (a valid date and time, UTC)", "an invalid timestamp");
        }

        _kind = TokenKind.Timestamp;
        return close + 1;
    }

    /// <summary>HexLiteral: <c>h'…'</c> with an even number of hexadecimal digits.</summary>
    private int LexHex(int start)
    {
        string text = _text;
        int i = start + 2;
        while (i < text.Length && char.IsAsciiHexDigit(text[i]))
        {
            i++;
        }

        if (i >= text.Length)
        {
            throw Error(text.Length, "an apostrophe (') to close the hex constant", "end of pattern");
        }

        if (text[i] != '\'')
        {
            throw Error(i, "a hexadecimal digit or an apostrophe (')", Lexicon.Character(text.AsSpan(i)));
        }

        if ((i - start - 2) % 2 != 0)
        {
            throw Error(i, "an even number of hexadecimal digits", "an odd number");
        }

        _bytes = ImmutableCollectionsMarshal.AsImmutableArray(Convert.FromHexString(text.AsSpan(start + 2, i - start - 2)));
        _kind = TokenKind.Hex;
        return i + 1;
    }

    /// <summary>BinaryLiteral: <c>b'…'</c> holding RFC 4648 base64 with padding, at least one group; line feeds
    /// inside are ignored (STIX 2.1 §9.2: they "MUST be supported and ignored").</summary>
    private int LexBinary(int start)
    {
        string text = _text;
        int i = start + 2;
        int length = 0; // base64 characters, line breaks not counted
        int padding = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c is '\n' or '\r')
            {
                i++;
                continue;
            }

            if (c == '=')
            {
                padding++;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/')
            {
                if (padding > 0)
                {
                    throw Error(i, "an apostrophe (') after the base64 padding", Lexicon.Character(text.AsSpan(i)));
                }
            }
            else
            {
                break;
            }

            length++;
            i++;
        }

        if (i >= text.Length)
        {
            throw Error(text.Length, "an apostrophe (') to close the binary constant", "end of pattern");
        }

        if (text[i] != '\'')
        {
            throw Error(i, "a base64 character or an apostrophe (')", Lexicon.Character(text.AsSpan(i)));
        }

        if (length == 0 || length % 4 != 0 || padding > 2)
        {
            throw Error(start, "base64 with padding: groups of four characters, at least one (RFC 4648)", "invalid base64");
        }

        byte[] bytes = new byte[(length / 4 * 3) - padding];
        if (!Convert.TryFromBase64Chars(text.AsSpan(start + 2, i - start - 2), bytes, out int written) || written != bytes.Length)
        {
            throw Error(start, "base64 with padding: groups of four characters, at least one (RFC 4648)", "invalid base64");
        }

        _bytes = ImmutableCollectionsMarshal.AsImmutableArray(bytes);
        _kind = TokenKind.Binary;
        return i + 1;
    }

    // Errors: built out of line, so the parsing methods stay small.

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly PatternSyntaxException Unexpected(string expected) =>
        new(_start, expected, Lexicon.Describe(_kind, Token, _hyphen));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static PatternSyntaxException Error(int position, string expected, string found) => new(position, expected, found);
}
