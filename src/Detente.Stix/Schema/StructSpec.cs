namespace Detente.Stix.Schema;

/// <summary>A nested type (e.g. <c>external-reference</c>) or a predefined extension (e.g. <c>ntfs-ext</c>).</summary>
/// <param name="Name">The specification's name for it, used in messages and to find its rule.</param>
/// <param name="Properties">Its properties.</param>
internal sealed record StructSpec(string Name, PropertySet Properties)
{
    /// <summary>True when at least one of its properties MUST be present (e.g. "An object using the NTFS File
    /// Extension MUST contain at least one property from this extension").</summary>
    public bool AtLeastOneProperty { get; init; }

    /// <summary>For a predefined extension: the type that defines it (e.g. <c>file</c> for <c>ntfs-ext</c>).</summary>
    public string? ExtensionOf { get; init; }
}
