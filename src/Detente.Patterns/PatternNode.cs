using Detente.Patterns.Parsing;

namespace Detente.Patterns;

/// <summary>A node of a STIX pattern's syntax tree: an observation or comparison expression, an object path, a constant or a qualifier.</summary>
/// <remarks>
/// Nodes are immutable and compare structurally: two nodes are equal exactly when they print the same canonical text,
/// whatever their <see cref="Position"/> (which only says where a parsed node came from). <see cref="object.ToString"/>
/// prints the node's canonical STIX 2.1 text.
/// </remarks>
public abstract class PatternNode : IEquatable<PatternNode>
{
    private protected PatternNode()
    {
    }

    /// <summary>
    /// Where the node starts in the parsed text: a zero-based offset in UTF-16 code units, or -1 for a node built in code.
    /// A binary expression starts where its first operand does; a qualifier at its keyword.
    /// </summary>
    /// <remarks>Not part of equality.</remarks>
    public int Position { get; init; } = -1;

    /// <summary>Structural equality: same kind of node, same children and values; <see cref="Position"/> is ignored.</summary>
    public abstract bool Equals(PatternNode? other);

    /// <inheritdoc/>
    public sealed override bool Equals(object? obj) => obj is PatternNode other && Equals(other);

    /// <summary>A hash code consistent with the structural <see cref="Equals(PatternNode?)"/>.</summary>
    public abstract override int GetHashCode();

    /// <summary>The node in canonical STIX 2.1 pattern syntax, e.g. <c>file:hashes.'SHA-256' = 'ab…'</c>.</summary>
    public sealed override string ToString() => PatternPrinter.Print(this, PatternVersion.V21);
}
