namespace Detente.Policy;

/// <summary>The path an object takes out of the node; the decision depends on it only for TLP:RED and local users.</summary>
public enum EgressPath
{
    /// <summary>A TAXII read: objects, object by id, versions, manifest, search, and the counts, <c>more</c> and headers
    /// derived from them.</summary>
    TaxiiRead = 0,

    /// <summary>An export to a file (<c>detente export</c>).</summary>
    Export = 1,

    /// <summary>A sync push to a partner.</summary>
    Sync = 2,

    /// <summary>A transparency-log entry, which every partner can read (decide for <see cref="SharingPolicy.Federation"/>).</summary>
    Log = 3,

    /// <summary>An input of a private set intersection with a partner.</summary>
    PsiInput = 4,
}

/// <summary>One question to the policy: may <see cref="Reader"/> receive this object version by <see cref="Path"/>?</summary>
/// <remarks>Built per object version from facts read once (<see cref="ObjectFacts.Read"/>) and a reader, collection and
/// time resolved once per request.</remarks>
public readonly struct EgressRequest
{
    private readonly ObjectFacts _object;

    /// <summary>Creates a request.</summary>
    /// <param name="reader">Who would receive the object (from <see cref="SharingPolicy.LocalUser"/>,
    /// <see cref="SharingPolicy.Principal"/> or <see cref="SharingPolicy.Federation"/>).</param>
    /// <param name="collection">The collection the object is read from (<see cref="SharingPolicy.Collection"/>).</param>
    /// <param name="facts">The object version's facts.</param>
    /// <param name="path">The path out.</param>
    /// <param name="now">The time egress rules measure age against (the node's <c>TimeProvider</c>, read once per request).</param>
    /// <param name="canRead">Whether the reader holds a read grant on the collection (ignored for administrators and the
    /// federation).</param>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> or <paramref name="collection"/> is null.</exception>
    public EgressRequest(PolicyPrincipal reader, PolicyCollection collection, in ObjectFacts facts, EgressPath path, DateTimeOffset now,
        bool canRead)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(collection);
        Reader = reader;
        Collection = collection;
        _object = facts;
        Path = path;
        Now = now;
        CanRead = canRead;
    }

    /// <summary>Who would receive the object.</summary>
    public PolicyPrincipal Reader { get; }

    /// <summary>The collection the object is read from.</summary>
    public PolicyCollection Collection { get; }

    /// <summary>The object version's facts.</summary>
    public ObjectFacts Object => _object;

    /// <summary>The facts of <paramref name="request"/> without a copy.</summary>
    internal static ref readonly ObjectFacts FactsOf(in EgressRequest request) => ref request._object;

    /// <summary>The path out.</summary>
    public EgressPath Path { get; }

    /// <summary>The time egress rules measure age against.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Whether the reader holds a read grant on the collection.</summary>
    public bool CanRead { get; }
}
