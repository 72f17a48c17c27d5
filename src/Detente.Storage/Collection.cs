using Detente.Stix.Schema;

namespace Detente.Storage;

/// <summary>A TAXII collection: a set of STIX object versions in one API root.</summary>
/// <remarks>
/// TAXII 2.1 §5.2: <c>id</c>, <c>title</c>, <c>description</c>, <c>alias</c> (unique within the API root) and
/// <c>media_types</c>. <c>can_read</c> and <c>can_write</c> depend on who asks: see <see cref="CollectionAccess"/>.
/// </remarks>
public sealed record Collection
{
    /// <summary>The media type of STIX 2.1 content, the default entry of <see cref="MediaTypes"/>.</summary>
    public const string Stix21MediaType = "application/stix+json;version=2.1";

    /// <summary>The collection's identifier, a version-4 UUID.</summary>
    public required Guid Id { get; init; }

    /// <summary>The <see cref="Storage.ApiRoot.Name"/> of the API root the collection belongs to.</summary>
    public required string ApiRoot { get; init; }

    /// <summary>A human-readable title.</summary>
    public required string Title { get; init; }

    /// <summary>A human-readable description, or null.</summary>
    public string? Description { get; init; }

    /// <summary>An alternative name for the collection in URLs, unique within its API root, or null.</summary>
    public string? Alias { get; init; }

    /// <summary>The media types of the objects the collection holds. Default: STIX 2.1 only.</summary>
    public IReadOnlyList<string> MediaTypes { get; init; } = [Stix21MediaType];

    /// <summary>
    /// The marking-definition id the node applies to objects of this collection that carry no TLP marking.
    /// Default TLP 2.0 AMBER (<see cref="TlpMarkings.Tlp2Amber"/>).
    /// </summary>
    public string DefaultMarkingId { get; init; } = TlpMarkings.Tlp2Amber;
}

/// <summary>What a principal may do with a collection: TAXII's <c>can_read</c> and <c>can_write</c>.</summary>
/// <param name="CanRead">The principal may read objects, manifests and versions.</param>
/// <param name="CanWrite">The principal may add (and, as the node allows, delete) objects.</param>
public readonly record struct CollectionAccess(bool CanRead, bool CanWrite)
{
    /// <summary>No access: the collection does not exist for the principal.</summary>
    public static CollectionAccess None => default;

    /// <summary>Read only.</summary>
    public static CollectionAccess Read => new(true, false);

    /// <summary>Write only.</summary>
    public static CollectionAccess Write => new(false, true);

    /// <summary>Read and write.</summary>
    public static CollectionAccess ReadWrite => new(true, true);

    /// <summary>True when the principal may neither read nor write.</summary>
    public bool IsNone => !CanRead && !CanWrite;
}

/// <summary>One principal's access to a collection.</summary>
/// <param name="Principal">The principal's name (a token's or certificate's principal).</param>
/// <param name="Access">What the principal may do.</param>
public sealed record CollectionGrant(string Principal, CollectionAccess Access);

/// <summary>A collection with what one principal may do with it.</summary>
/// <param name="Collection">The collection.</param>
/// <param name="Access">The principal's access (never <see cref="CollectionAccess.None"/> in a listing).</param>
public sealed record CollectionWithAccess(Collection Collection, CollectionAccess Access);

/// <summary>The outcome of creating an API root or a collection. Anything but <see cref="Created"/> changed nothing.</summary>
public enum CreateResult
{
    /// <summary>Created.</summary>
    Created = 0,

    /// <summary>An API root with that name, or a collection with that id, already exists.</summary>
    AlreadyExists = 1,

    /// <summary>Another collection of the API root has that alias.</summary>
    AliasTaken = 2,

    /// <summary>The collection names an API root that does not exist.</summary>
    ApiRootNotFound = 3,
}
