namespace Detente.Node;

/// <summary>How a node is configured: where it is reached and what it is called.</summary>
public sealed record NodeOptions
{
    /// <summary>
    /// The URL clients reach the node at, e.g. <c>https://taxii.example.org/</c>. Discovery lists API roots under it;
    /// it comes from configuration, never from a request's Host header. Null takes the first address the node is
    /// listening on, once it listens: with its actual port when started on port 0, and <c>localhost</c> for a wildcard host.
    /// </summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>The discovery resource's title.</summary>
    public string Title { get; init; } = "Detente node";

    /// <summary>The discovery resource's description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>The discovery resource's contact, if any.</summary>
    public string? Contact { get; init; }

    /// <summary>The name of the API root discovery names as its default.</summary>
    public string DefaultApiRoot { get; init; } = NodeBootstrap.DefaultApiRootName;

    /// <summary>What the node accepts from one request and one principal, page sizes, the add path and status retention.
    /// Default <see cref="NodeLimits.Default"/>.</summary>
    public NodeLimits Limits { get; init; } = NodeLimits.Default;

    /// <summary>The server certificate and the client certificates mapped to principals; null serves only plain <c>http</c>
    /// (which the node allows on loopback addresses only).</summary>
    public NodeTls? Tls { get; init; }

    /// <summary>Whether <c>/metrics</c> is served without authentication. Default false: administrators only.</summary>
    public bool PublicMetrics { get; init; }

    /// <summary>How often the node checks its store for changed sharing settings (partners, sharing groups, collection
    /// sharing) and rebuilds its policy. Default 2 seconds.</summary>
    public TimeSpan SharingRefreshInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Who may run private set intersection against which of the node's sets, caps and rate. Default <see cref="NodePsiOptions.Off"/>.</summary>
    public NodePsiOptions Psi { get; init; } = NodePsiOptions.Off;

    /// <summary>The transparency log's key, origin and batching; null runs no sequencer (the store still records
    /// entries, and <c>/log/</c> answers 404 until a node with a key seals them). <c>detente serve</c> always sets it.</summary>
    public NodeLogOptions? Log { get; init; }

    /// <summary>The node's identity and signing key: objects local principals post unsigned are set to be created by the
    /// identity and signed (<see cref="OriginVerifier"/>), and <c>/identity/</c> serves the identity. Null turns signing off
    /// (library hosting, tests): such objects are stored as sent. Partners' objects must be signed either way.
    /// <c>detente serve</c> always sets it.</summary>
    public NodeSigning? Signing { get; init; }

    /// <summary>Pull sync from partners and the audit of their logs (<see cref="Sync.PartnerSync"/>); null: the node does
    /// not sync (it still serves <c>/log/gossip</c> from what its store has verified).</summary>
    public Sync.NodeSyncOptions? Sync { get; init; }

    /// <summary>The absolute URL of the API root named <paramref name="name"/> under <paramref name="publicUrl"/>:
    /// <c>{publicUrl}taxii2/{name}/</c>.</summary>
    public static Uri ApiRootUrl(Uri publicUrl, string name)
    {
        ArgumentNullException.ThrowIfNull(publicUrl);
        ArgumentException.ThrowIfNullOrEmpty(name);
        string root = publicUrl.GetLeftPart(UriPartial.Path);
        return new Uri((root.EndsWith('/') ? root : root + "/") + "taxii2/" + Uri.EscapeDataString(name) + "/");
    }
}
