namespace Detente.Patterns.Parsing;

/// <summary>The tokens of the STIX patterning grammar (the lexer rules of the OASIS STIXPattern.g4).</summary>
internal enum TokenKind : byte
{
    End,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Colon,
    Dot,
    Comma,
    Asterisk,
    Plus,
    Minus,
    Caret,
    Slash,
    Eq,
    Neq,
    Lt,
    Le,
    Gt,
    Ge,

    /// <summary><c>[A-Za-z_][A-Za-z0-9_-]*</c> that is not a keyword; the parser's flag says whether it has a hyphen.</summary>
    Identifier,
    String,

    /// <summary><c>[+-]?(0|[1-9][0-9]*)</c>.</summary>
    Integer,

    /// <summary><c>[+-]?[0-9]*\.[0-9]+</c>.</summary>
    Float,
    Timestamp,
    Binary,
    Hex,
    True,
    False,
    And,
    Or,
    Not,
    FollowedBy,
    Like,
    Matches,
    IsSuperset,
    IsSubset,
    Exists,
    Last,
    In,
    Start,
    Stop,
    Seconds,
    Within,
    Repeats,
    Times,

    /// <summary>A character no token starts with.</summary>
    Invalid,
}
