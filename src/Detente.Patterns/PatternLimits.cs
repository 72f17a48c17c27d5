namespace Detente.Patterns;

/// <summary>Bounds on the patterns <see cref="Pattern.Parse"/> accepts, so that hostile input costs little.</summary>
/// <remarks>
/// A pattern over a limit is refused with a <see cref="PatternSyntaxException"/> at the position where the limit was
/// reached. With the defaults, parsing needs at most a few hundred stack frames and time linear in the length.
/// </remarks>
public sealed record PatternLimits
{
    /// <summary>The default of <see cref="MaxLength"/>: 262,144 characters (256 Ki).</summary>
    public const int DefaultMaxLength = 256 * 1024;

    /// <summary>The default of <see cref="MaxDepth"/>: 64.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The largest <see cref="MaxDepth"/> allowed: 256, which every thread's stack can afford.</summary>
    public const int MaxAllowedDepth = 256;

    /// <summary>The default limits.</summary>
    public static PatternLimits Default { get; } = new();

    /// <summary>The longest pattern, in UTF-16 code units. Default: 262,144 (<see cref="DefaultMaxLength"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxLength
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = DefaultMaxLength;

    /// <summary>
    /// The deepest nesting of square brackets and parentheses, at both levels (observation and comparison expressions)
    /// together: <c>[a:b = 1]</c> has depth 1, <c>([a:b = 1])</c> depth 2. Default: 64 (<see cref="DefaultMaxDepth"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or more than <see cref="MaxAllowedDepth"/>.</exception>
    public int MaxDepth
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxAllowedDepth);
            field = value;
        }
    } = DefaultMaxDepth;
}
