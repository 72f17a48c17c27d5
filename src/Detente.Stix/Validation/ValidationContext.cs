using System.Text;

namespace Detente.Stix.Validation;

/// <summary>The state of one validation: where the walk is, and the issues found so far.</summary>
/// <remarks>
/// The path is a stack of segments pushed and popped as the walk descends; it is turned into a string only when an
/// issue is reported, so a valid object costs no string work. One context serves one call at a time: it is rented
/// per thread and returned by <see cref="Complete"/>, so validating a valid object allocates almost nothing
/// (measured in Validation/README.md).
/// </remarks>
internal sealed class ValidationContext
{
    /// <summary>The longest member name a path shows in full; valid property names and keys have at most 250 characters.</summary>
    private const int MaxSegmentLength = 256;

    [ThreadStatic]
    private static ValidationContext? t_cached;

    private string _root = "$";
    private Segment[] _segments = new Segment[16];
    private int _depth;
    private List<ValidationIssue>? _errors;
    private List<ValidationIssue>? _warnings;
    private int _maxIssues = StixValidatorOptions.DefaultMaxIssues;
    private int _issueCount;
    private bool _dropped;

    private ValidationContext()
    {
    }

    public IPatternValidator? PatternValidator { get; private set; }

    /// <summary>
    /// True once an issue was dropped because <see cref="StixValidatorOptions.MaxIssues"/> were already recorded: nothing
    /// more will be, so loops over outside input stop rather than keep checking. (Reaching the limit exactly is not
    /// enough: the report says issues were left out only when one was.)
    /// </summary>
    public bool IsStopped => _dropped;

    /// <summary>Takes this thread's cached context (a new one if it is in use, e.g. by a re-entrant call).</summary>
    public static ValidationContext Rent(string root, StixValidatorOptions options)
    {
        ValidationContext ctx = t_cached ?? new ValidationContext();
        t_cached = null;
        ctx._root = root;
        ctx.PatternValidator = options.PatternValidator;
        ctx._maxIssues = options.MaxIssues;
        return ctx;
    }

    /// <summary>Builds the report and gives the context back to this thread's cache.</summary>
    public ValidationReport Complete()
    {
        if (_dropped)
        {
            // Exactly one, last: the report says it is incomplete, and is never valid, since unchecked content is not.
            (_errors ??= []).Add(new ValidationIssue(_root, ValidationRules.TooManyIssues,
                $"validation stopped after {_issueCount} issues (errors and warnings together); further issues were not recorded"));
        }

        ValidationReport report = _errors is null && _warnings is null
            ? ValidationReport.Empty
            : new ValidationReport(_errors?.ToArray() ?? [], _warnings?.ToArray() ?? []); // arrays the report owns
        _errors = null;
        _warnings = null;
        _issueCount = 0;
        _dropped = false;
        _depth = 0;
        PatternValidator = null;
        t_cached = this;
        return report;
    }

    public int ErrorCount => _errors?.Count ?? 0;

    public void Push(string name)
    {
        EnsureCapacity();
        _segments[_depth++] = new Segment(name, -1);
    }

    public void Push(int index)
    {
        EnsureCapacity();
        _segments[_depth++] = new Segment(null, index);
    }

    public void Pop() => _depth--;

    /// <summary>Reports an error at the current path.</summary>
    public void Error(string rule, string message)
    {
        if (Admit())
        {
            (_errors ??= []).Add(new ValidationIssue(PathTo(null), rule, message));
        }
    }

    /// <summary>Reports an error at the member <paramref name="name"/> of the current path.</summary>
    public void Error(string rule, string name, string message)
    {
        if (Admit())
        {
            (_errors ??= []).Add(new ValidationIssue(PathTo(name), rule, message));
        }
    }

    /// <summary>Reports a warning at the current path.</summary>
    public void Warning(string rule, string message)
    {
        if (Admit())
        {
            (_warnings ??= []).Add(new ValidationIssue(PathTo(null), rule, message));
        }
    }

    /// <summary>Reports a warning at the member <paramref name="name"/> of the current path.</summary>
    public void Warning(string rule, string name, string message)
    {
        if (Admit())
        {
            (_warnings ??= []).Add(new ValidationIssue(PathTo(name), rule, message));
        }
    }

    /// <summary>Counts one more issue; false (and the issue is dropped, without building its path) past the limit.</summary>
    private bool Admit()
    {
        if (_issueCount >= _maxIssues)
        {
            _dropped = true;
            return false;
        }

        _issueCount++;
        return true;
    }

    private string PathTo(string? name)
    {
        var builder = new StringBuilder(_root);
        for (int i = 0; i < _depth; i++)
        {
            Append(builder, _segments[i]);
        }

        if (name is not null)
        {
            Append(builder, new Segment(name, -1));
        }

        return builder.ToString();
    }

    private static void Append(StringBuilder builder, Segment segment)
    {
        if (segment.Name is null)
        {
            builder.Append('[').Append(segment.Index).Append(']');
        }
        else if (IsPlainName(segment.Name))
        {
            builder.Append('.').Append(segment.Name);
        }
        else
        {
            // JSONPath bracket notation for keys such as "SHA-256" or "extension-definition--…". The key is outside
            // input: ' and \ are escaped, control characters written as \uXXXX (a path is printed, and a raw newline
            // would fake a line), and a key longer than any valid name (250) is cut.
            builder.Append("['").Append(Printable.Escape(segment.Name, MaxSegmentLength, '\'')).Append("']");
        }
    }

    private static bool IsPlainName(string name)
    {
        // Dot notation for identifier-like names; anything else ("SHA-256", "0", "x y") goes in brackets.
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private void EnsureCapacity()
    {
        if (_depth == _segments.Length)
        {
            Array.Resize(ref _segments, _segments.Length * 2);
        }
    }

    private readonly record struct Segment(string? Name, int Index);
}
