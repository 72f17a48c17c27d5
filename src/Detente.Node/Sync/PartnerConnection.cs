using System.Security.Cryptography.X509Certificates;

namespace Detente.Node.Sync;

/// <summary>How this node reaches a partner node: its URL, the token the partner issued to this node, and TLS settings.</summary>
/// <remarks>The token is a secret: <see cref="ToString"/> hides it, and it is kept in the data folder (<see cref="PartnerSecrets"/>),
/// not in the store.</remarks>
public sealed record PartnerConnection
{
    /// <summary>The partner node's base URL (<c>https://partner.example/</c>; plain <c>http</c> only to a loopback host).</summary>
    public required Uri Url { get; init; }

    /// <summary>The API token the partner issued to this node (sent as <c>Authorization: Bearer</c>), or null to
    /// authenticate with <see cref="ClientCertificate"/> only.</summary>
    public string? Token { get; init; }

    /// <summary>A certificate to trust as the root of the partner's server certificate (its self-signed certificate, or its
    /// private CA), instead of the system's roots; null trusts the system's roots.</summary>
    public X509Certificate2? TrustedCertificate { get; init; }

    /// <summary>The client certificate (with its private key) this node presents for mutual TLS, or null.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// Wraps the handler the connection's <see cref="HttpClient"/> sends through; null sends directly. For tools and
    /// tests that observe or alter the partner's answers (a test double of a cheating partner).
    /// </summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? WrapHandler { get; init; }

    /// <summary>The TLS settings and timeouts of the connection (2-minute requests), as the node's one outgoing builder takes them.</summary>
    public OutgoingHttp Http => new() { TrustedCertificate = TrustedCertificate, ClientCertificate = ClientCertificate, WrapHandler = WrapHandler };

    /// <summary>An <see cref="HttpClient"/> for the partner (<see cref="OutgoingHttp.CreateClient"/>): its TLS trust and client
    /// certificate, the token as a bearer credential, no automatic redirects (credentials never follow one to another host).</summary>
    public HttpClient CreateHttpClient() => Http.CreateClient(Token);

    /// <summary>The URL, and whether a token and certificates are set; never the token.</summary>
    public override string ToString() => $"{Url.AbsoluteUri} (token {(Token is null ? "none" : "hidden")}, {Http})";
}

/// <summary>
/// The partner connection secrets in the node's data folder: <c>partners/NAME/token</c> (0600), <c>ca.crt</c>,
/// <c>client.crt</c> and <c>client.key</c> (0600).
/// </summary>
/// <remarks>
/// Why the data folder and not the store: the token opens the partner's data to whoever holds it. The store may be a
/// PostgreSQL database shared with other instances, its administrators and its backups; the data folder is private to the
/// node's operator (0700, checked at every start), like the node key. The partner's URL and log key are not secret and
/// live in the store.
/// </remarks>
public sealed class PartnerSecrets
{
    private readonly string _root;

    /// <summary>The partner secrets of the data folder at <paramref name="dataFolder"/>.</summary>
    public PartnerSecrets(NodeDataFolder dataFolder)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        _root = Path.Combine(dataFolder.Path, "partners");
    }

    /// <summary>Stores a partner's connection secrets (each given one replaces the stored one; null ones are left as they are).</summary>
    /// <exception cref="NodeConfigurationException">A PEM file is missing or unreadable, or a client certificate without its key.</exception>
    public void Save(string partner, string? token, string? caCertificatePemFile, string? clientCertificatePemFile, string? clientKeyPemFile) =>
        ConnectionSecretFiles.Save(_root, FolderOf(partner), token, caCertificatePemFile, clientCertificatePemFile, clientKeyPemFile);

    /// <summary>Removes a partner's secrets (nothing when there are none).</summary>
    public void Delete(string partner) => ConnectionSecretFiles.Delete(FolderOf(partner));

    /// <summary>The connection to <paramref name="partner"/> at <paramref name="url"/> with its stored secrets.</summary>
    /// <exception cref="NodeConfigurationException">A secret file may be read by others, or is unreadable.</exception>
    public PartnerConnection Load(string partner, Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        (string? token, OutgoingHttp http) = ConnectionSecretFiles.Load(FolderOf(partner), "partner secret file");
        return new PartnerConnection { Url = url, Token = token, TrustedCertificate = http.TrustedCertificate, ClientCertificate = http.ClientCertificate };
    }

    /// <summary>The sync settings of a node whose partner connections are those of <paramref name="dataFolder"/>: a partner
    /// with a URL is reached with its stored secrets.</summary>
    public static NodeSyncOptions SyncOptions(NodeDataFolder dataFolder, TimeSpan? interval)
    {
        var secrets = new PartnerSecrets(dataFolder);
        return new NodeSyncOptions
        {
            Interval = interval,
            Connections = p => p.Url is null ? null : secrets.Load(p.Name, p.Url),
        };
    }

    /// <summary>Whether a token is stored for the partner (never the token itself).</summary>
    public bool HasToken(string partner) => ConnectionSecretFiles.HasToken(FolderOf(partner));

    private string FolderOf(string partner)
    {
        if (!Storage.SharingNames.IsValid(partner))
        {
            throw new ArgumentException("A partner name is 1–64 of a-z 0-9 - _ . starting with a letter or digit.", nameof(partner));
        }

        return Path.Combine(_root, partner);
    }
}
