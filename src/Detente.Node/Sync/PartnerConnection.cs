using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

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

    /// <summary>An <see cref="HttpClient"/> for the partner: its TLS trust and client certificate, the token as a bearer
    /// credential, no automatic redirects (credentials never follow one to another host).</summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 16,
        };
        if (ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [ClientCertificate];
        }

        if (TrustedCertificate is { } trusted)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ValidateAgainst(trusted, certificate as X509Certificate2, errors);
        }

        HttpMessageHandler outer = WrapHandler is null ? handler : WrapHandler(handler);
        var http = new HttpClient(outer, disposeHandler: true) { Timeout = TimeSpan.FromMinutes(2) };
        if (Token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        }

        return http;
    }

    /// <summary>The URL, and whether a token and certificates are set; never the token.</summary>
    public override string ToString() =>
        $"{Url.AbsoluteUri} (token {(Token is null ? "none" : "hidden")}, trusted certificate {(TrustedCertificate is null ? "system roots" : TrustedCertificate.Thumbprint)}, "
        + $"client certificate {(ClientCertificate is null ? "none" : ClientCertificate.Thumbprint)})";

    /// <summary>The server certificate chains to <paramref name="trusted"/> alone (a custom root), and its name matched.</summary>
    private static bool ValidateAgainst(X509Certificate2 trusted, X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
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
    private const string TokenFile = "token";
    private const string CaFile = "ca.crt";
    private const string ClientCertificateFile = "client.crt";
    private const string ClientKeyFile = "client.key";

    private readonly string _root;

    /// <summary>The partner secrets of the data folder at <paramref name="dataFolder"/>.</summary>
    public PartnerSecrets(NodeDataFolder dataFolder)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        _root = Path.Combine(dataFolder.Path, "partners");
    }

    /// <summary>Stores a partner's connection secrets (each given one replaces the stored one; null ones are left as they are).</summary>
    /// <exception cref="NodeConfigurationException">A PEM file is missing or unreadable, or a client certificate without its key.</exception>
    public void Save(string partner, string? token, string? caCertificatePemFile, string? clientCertificatePemFile, string? clientKeyPemFile)
    {
        string folder = FolderOf(partner);
        if ((clientCertificatePemFile is null) != (clientKeyPemFile is null))
        {
            NodeConfigurationException.Throw("Give both --client-cert and --client-key, or neither.");
        }

        // Check every file before writing any.
        string? ca = caCertificatePemFile is null ? null : ReadPem(caCertificatePemFile);
        if (ca is not null)
        {
            using X509Certificate2 check = LoadCertificate(ca, caCertificatePemFile!);
        }

        string? clientCertificate = clientCertificatePemFile is null ? null : ReadPem(clientCertificatePemFile);
        string? clientKey = clientKeyPemFile is null ? null : ReadPem(clientKeyPemFile);
        if (clientCertificate is not null)
        {
            try
            {
                using X509Certificate2 check = X509Certificate2.CreateFromPem(clientCertificate, clientKey);
            }
            catch (CryptographicException e)
            {
                NodeConfigurationException.Throw($"The client certificate and key are not a pair of PEM files: {e.Message}");
            }
        }

        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(folder);
        Replace(folder, TokenFile, token, privateFile: true);
        Replace(folder, CaFile, ca, privateFile: false);
        Replace(folder, ClientCertificateFile, clientCertificate, privateFile: false);
        Replace(folder, ClientKeyFile, clientKey, privateFile: true);
    }

    /// <summary>Removes a partner's secrets (nothing when there are none).</summary>
    public void Delete(string partner)
    {
        string folder = FolderOf(partner);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The connection to <paramref name="partner"/> at <paramref name="url"/> with its stored secrets.</summary>
    /// <exception cref="NodeConfigurationException">A secret file may be read by others, or is unreadable.</exception>
    public PartnerConnection Load(string partner, Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        string folder = FolderOf(partner);
        string? token = ReadPrivate(Path.Combine(folder, TokenFile))?.Trim();
        string? ca = File.Exists(Path.Combine(folder, CaFile)) ? File.ReadAllText(Path.Combine(folder, CaFile), Encoding.ASCII) : null;
        string? certificate = File.Exists(Path.Combine(folder, ClientCertificateFile))
            ? File.ReadAllText(Path.Combine(folder, ClientCertificateFile), Encoding.ASCII)
            : null;
        string? key = ReadPrivate(Path.Combine(folder, ClientKeyFile));
        return new PartnerConnection
        {
            Url = url,
            Token = string.IsNullOrEmpty(token) ? null : token,
            TrustedCertificate = ca is null ? null : LoadCertificate(ca, Path.Combine(folder, CaFile)),
            ClientCertificate = certificate is null || key is null ? null : X509Certificate2.CreateFromPem(certificate, key),
        };
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
    public bool HasToken(string partner) => File.Exists(Path.Combine(FolderOf(partner), TokenFile));

    private string FolderOf(string partner)
    {
        if (!Storage.SharingNames.IsValid(partner))
        {
            throw new ArgumentException("A partner name is 1–64 of a-z 0-9 - _ . starting with a letter or digit.", nameof(partner));
        }

        return Path.Combine(_root, partner);
    }

    private static void Replace(string folder, string name, string? text, bool privateFile)
    {
        if (text is null)
        {
            return;
        }

        string file = Path.Combine(folder, name);
        File.Delete(file);
        if (privateFile)
        {
            NodeDataFolder.WritePrivateFile(file, text.EndsWith('\n') ? text : text + "\n");
        }
        else
        {
            File.WriteAllText(file, text, Encoding.ASCII);
        }
    }

    private static string? ReadPrivate(string file)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        NodeDataFolder.RequirePrivate(file, "partner secret file", "chmod 600");
        return File.ReadAllText(file, Encoding.ASCII);
    }

    private static string ReadPem(string file)
    {
        try
        {
            return File.ReadAllText(file, Encoding.ASCII);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            NodeConfigurationException.Throw($"Cannot read '{file}': {e.Message}");
            return null!;
        }
    }

    private static X509Certificate2 LoadCertificate(string pem, string file)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            NodeConfigurationException.Throw($"'{file}' is not a PEM certificate: {e.Message}");
            return null!;
        }
    }
}
