using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Detente.Patterns.Telemetry;

/// <summary>The kind of one step of a <see cref="PropertyPath"/>.</summary>
public enum PathStepKind
{
    /// <summary>A property or dictionary key: <c>.name</c> or <c>.'SHA-256'</c>.</summary>
    Property,

    /// <summary>One list item: <c>[2]</c>.</summary>
    Index,

    /// <summary>Any list item: <c>[*]</c>.</summary>
    AnyIndex,
}

/// <summary>One step of a <see cref="PropertyPath"/>.</summary>
/// <param name="Kind">The kind of step.</param>
/// <param name="Name">The property name or dictionary key (for <see cref="PathStepKind.Property"/>).</param>
/// <param name="Index">The list index (for <see cref="PathStepKind.Index"/>).</param>
public readonly record struct PathStep(PathStepKind Kind, string? Name, int Index)
{
    /// <summary>A property or dictionary key step.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public static PathStep Property(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new PathStep(PathStepKind.Property, name, 0);
    }

    /// <summary>A list index step.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static PathStep At(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new PathStep(PathStepKind.Index, null, index);
    }

    /// <summary>The any-item step, <c>[*]</c>.</summary>
    public static PathStep AnyIndex { get; } = new(PathStepKind.AnyIndex, null, 0);
}

/// <summary>
/// The property part of a STIX object path (what follows <c>type:</c>): <c>value</c>, <c>hashes.'SHA-256'</c>,
/// <c>dst_ref.value</c>, <c>protocols[*]</c>, <c>extensions.'http-request-ext'.request_header.Host</c>. Immutable.
/// </summary>
/// <remarks>
/// <para>STIX 2.1 §9.3 (object paths). Two paths are equal when their steps are equal: quoting does not matter, so
/// <c>hashes.MD5</c> and <c>hashes.'MD5'</c> are the same path.</para>
/// <para>The canonical text (<see cref="ToString"/>) writes a name bare when it is an identifier
/// (<c>[A-Za-z_][A-Za-z0-9_]*</c>) and otherwise in single quotes with <c>\'</c> and <c>\\</c> escaped; list steps as
/// <c>[n]</c> and <c>[*]</c>.</para>
/// </remarks>
public sealed class PropertyPath : IEquatable<PropertyPath>
{
    private readonly PathStep[] _steps;
    private readonly string _text;

    private PropertyPath(PathStep[] steps)
    {
        _steps = steps;
        _text = Format(steps);
    }

    /// <summary>The steps, the first always a property.</summary>
    public IReadOnlyList<PathStep> Steps => _steps;

    /// <summary>Creates a path from its steps.</summary>
    /// <exception cref="ArgumentException">There are no steps, the first is not a property, or a step is malformed.</exception>
    public static PropertyPath Create(IEnumerable<PathStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        PathStep[] array = steps.ToArray();
        if (array.Length == 0 || array[0].Kind != PathStepKind.Property)
        {
            throw new ArgumentException("A property path starts with a property.", nameof(steps));
        }

        foreach (PathStep step in array)
        {
            if ((step.Kind == PathStepKind.Property && string.IsNullOrEmpty(step.Name)) || (step.Kind == PathStepKind.Index && step.Index < 0)
                || step.Kind is not (PathStepKind.Property or PathStepKind.Index or PathStepKind.AnyIndex))
            {
                throw new ArgumentException("A path step is malformed.", nameof(steps));
            }
        }

        return new PropertyPath(array);
    }

    /// <summary>Creates a path from its steps.</summary>
    /// <exception cref="ArgumentException">There are no steps, the first is not a property, or a step is malformed.</exception>
    public static PropertyPath Create(params ReadOnlySpan<PathStep> steps) => Create(steps.ToArray().AsEnumerable());

    /// <summary>Parses the text of a path (the part after <c>type:</c>).</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out PropertyPath? path)
    {
        ArgumentNullException.ThrowIfNull(text);
        path = null;
        var steps = new List<PathStep>();
        int i = 0;
        bool expectName = true;
        while (i < text.Length || expectName)
        {
            if (expectName)
            {
                if (!TryName(text, ref i, out string? name))
                {
                    return false;
                }

                steps.Add(PathStep.Property(name));
                expectName = false;
                continue;
            }

            if (text[i] == '.')
            {
                i++;
                expectName = true;
            }
            else if (text[i] == '[')
            {
                int close = text.IndexOf(']', i);
                if (close < 0)
                {
                    return false;
                }

                ReadOnlySpan<char> inside = text.AsSpan(i + 1, close - i - 1);
                if (inside is "*")
                {
                    steps.Add(PathStep.AnyIndex);
                }
                else if (inside.Length is > 0 and <= 9 && !(inside.Length > 1 && inside[0] == '0')
                    && int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    steps.Add(PathStep.At(index));
                }
                else
                {
                    return false;
                }

                i = close + 1;
            }
            else
            {
                return false;
            }
        }

        path = new PropertyPath(steps.ToArray());
        return true;
    }

    /// <summary>Parses the text of a path.</summary>
    /// <exception cref="FormatException">The text is not a property path.</exception>
    public static PropertyPath Parse(string text) =>
        TryParse(text, out PropertyPath? path) ? path : throw new FormatException($"'{text}' is not a property path.");

    /// <summary>The canonical text (see the remarks on <see cref="PropertyPath"/>).</summary>
    public override string ToString() => _text;

    /// <inheritdoc/>
    public bool Equals(PropertyPath? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PropertyPath other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    private static bool TryName(string text, ref int i, [NotNullWhen(true)] out string? name)
    {
        name = null;
        if (i >= text.Length)
        {
            return false;
        }

        if (text[i] == '\'')
        {
            var quoted = new StringBuilder();
            for (i++; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '\\' && i + 1 < text.Length && text[i + 1] is '\'' or '\\')
                {
                    quoted.Append(text[++i]);
                }
                else if (c == '\'')
                {
                    i++;
                    name = quoted.ToString();
                    return name.Length > 0;
                }
                else
                {
                    quoted.Append(c);
                }
            }

            return false;
        }

        int start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
        {
            i++;
        }

        if (i == start || char.IsAsciiDigit(text[start]))
        {
            return false;
        }

        name = text[start..i];
        return true;
    }

    private static string Format(PathStep[] steps)
    {
        var text = new StringBuilder();
        foreach (PathStep step in steps)
        {
            switch (step.Kind)
            {
                case PathStepKind.Property:
                    if (text.Length > 0)
                    {
                        text.Append('.');
                    }

                    if (IsIdentifier(step.Name!))
                    {
                        text.Append(step.Name);
                    }
                    else
                    {
                        text.Append('\'').Append(step.Name!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append('\'');
                    }

                    break;
                case PathStepKind.Index:
                    text.Append('[').Append(step.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
                    break;
                default:
                    text.Append("[*]");
                    break;
            }
        }

        return text.ToString();
    }

    private static bool IsIdentifier(string name)
    {
        if (char.IsAsciiDigit(name[0]))
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
}
