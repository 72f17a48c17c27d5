using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Detente.Stix;
using Detente.Stix.Signatures;

namespace Detente.Node;

/// <summary>
/// The node's data folder: private to the operator (mode 0700 on Unix), holding the node's Ed25519 key
/// (<see cref="KeyFileName"/>, 0600), the SQLite database, the self-signed TLS certificate when the node made one, and
/// the client certificate map.
/// </summary>
/// <remarks>
/// The node refuses a folder or key file that the group or others may access: the key must stay private. On Windows the
/// folder's ACLs are the operator's business and are not checked.
/// </remarks>
public sealed class NodeDataFolder
{
    /// <summary>The node key's file name: the 32-byte Ed25519 seed in base64url, one line.</summary>
    public const string KeyFileName = "node.key";

    /// <summary>The node identity's file name: the node's STIX <c>identity</c> object, signed by the node key (RFC 8785 form).</summary>
    public const string IdentityFileName = "identity.json";

    /// <summary>The self-signed certificate's file name (PEM).</summary>
    public const string TlsCertificateFileName = "tls.crt";

    /// <summary>The self-signed certificate's private key file name (PEM, 0600).</summary>
    public const string TlsKeyFileName = "tls.key";

    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private NodeDataFolder(string path, bool created)
    {
        Path = path;
        Created = created;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Whether <see cref="Open"/> created the folder.</summary>
    public bool Created { get; }

    /// <summary>The default data folder: <c>detente</c> under the user's local application data (<c>~/.local/share/detente</c>).</summary>
    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "detente");

    /// <summary>Opens the data folder, creating it (0700) when it does not exist.</summary>
    /// <exception cref="NodeConfigurationException">The folder is accessible to the group or others, or is not a folder.</exception>
    public static NodeDataFolder Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            NodeConfigurationException.Throw($"The data folder '{full}' is a file.");
        }

        bool created = !Directory.Exists(full);
        if (created)
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(full);
            }
            else
            {
                Directory.CreateDirectory(full, PrivateFolder);
            }
        }

        RequirePrivate(full, "data folder", "chmod 700");
        return new NodeDataFolder(full, created);
    }

    /// <summary>
    /// The node's Ed25519 signing key: read from <see cref="KeyFileName"/>, or created (file mode 0600) on first use.
    /// The key is not exportable once loaded.
    /// </summary>
    /// <returns>The key, and whether it was created now.</returns>
    /// <exception cref="NodeConfigurationException">The key file is accessible to the group or others, or is not a key.</exception>
    public (StixSigningKey Key, bool Created) LoadOrCreateKey()
    {
        string file = System.IO.Path.Combine(Path, KeyFileName);
        if (File.Exists(file))
        {
            RequirePrivate(file, "node key file", "chmod 600");
            string text = File.ReadAllText(file, Encoding.ASCII).Trim();
            Span<byte> seed = stackalloc byte[32];
            try
            {
                if (!Base64Url.IsValid(text, out int length) || length != 32 || Base64Url.DecodeFromChars(text, seed) != 32)
                {
                    NodeConfigurationException.Throw($"The node key file '{file}' does not hold a 32-byte Ed25519 seed in base64url.");
                }

                return (StixSigningKey.ImportSeed(seed), false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        }

        using StixSigningKey exportable = StixSigningKey.CreateExportable();
        Span<byte> fresh = stackalloc byte[32];
        try
        {
            exportable.ExportSeed(fresh);
            WritePrivateFile(file, Base64Url.EncodeToString(fresh) + "\n");
            return (StixSigningKey.ImportSeed(fresh), true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fresh);
        }
    }

    /// <summary>The id of the node's identity as stored in <paramref name="folder"/> (<see cref="IdentityFileName"/>), without
    /// checking its signature (no key is needed); null when the folder has no identity file or it is not a STIX identity.</summary>
    /// <remarks>For commands that describe the node's decisions (<c>detente policy explain</c>) without running it.</remarks>
    public static string? ReadIdentityId(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string file = System.IO.Path.Combine(folder, IdentityFileName);
        try
        {
            var identity = new StixObject((Detente.Stix.Json.JsonObject)new StixReader().Parse(File.ReadAllBytes(file)));
            return identity.Type == "identity" ? identity.Id : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StixFormatException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>
    /// The node's STIX identity (<see cref="IdentityFileName"/>): created on first use (a random id, named
    /// <paramref name="name"/> or <c>Detente node</c> and the key id's first 8 digits), else read; a new version is written
    /// when <paramref name="name"/> differs from the stored name or the stored object does not carry a valid signature by
    /// <paramref name="key"/> (the key was replaced). The id never changes.
    /// </summary>
    /// <returns>The signing identity, and what happened: <c>created</c>, <c>updated</c> or <c>kept</c>.</returns>
    /// <exception cref="NodeConfigurationException">The file is not a STIX identity object, or the name is not acceptable.</exception>
    public (NodeSigning Signing, string Change) LoadOrCreateIdentity(StixSigningKey key, string? name, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(timeProvider);
        string file = System.IO.Path.Combine(Path, IdentityFileName);
        try
        {
            if (!File.Exists(file))
            {
                StixObject created = NodeSigning.CreateIdentity(name ?? "Detente node " + key.KeyId[..8], key, timeProvider.GetUtcNow());
                WritePrivateFile(file, Encoding.UTF8.GetString(created.Canonicalize()) + "\n");
                return (new NodeSigning(key, created), "created");
            }

            StixObject stored;
            try
            {
                stored = new StixObject((Detente.Stix.Json.JsonObject)new StixReader().Parse(File.ReadAllBytes(file)));
            }
            catch (Exception e) when (e is StixFormatException or InvalidCastException)
            {
                throw new NodeConfigurationException($"The node identity file '{file}' is not a STIX identity object: {e.Message}", e);
            }

            if (stored.Type != "identity" || stored.Id is null || stored.Json.GetString("name") is not string storedName)
            {
                throw new NodeConfigurationException($"The node identity file '{file}' is not a STIX identity object with an id and a name.");
            }

            bool renamed = name is not null && !string.Equals(name, storedName, StringComparison.Ordinal);
            if (!renamed && StixSignatures.Verify(stored, key.VerificationKey).IsValid)
            {
                return (new NodeSigning(key, stored), "kept");
            }

            StixObject renewed = NodeSigning.Renew(stored, name ?? storedName, key, timeProvider.GetUtcNow());
            string temporary = file + ".new";
            File.Delete(temporary);
            WritePrivateFile(temporary, Encoding.UTF8.GetString(renewed.Canonicalize()) + "\n");
            File.Move(temporary, file, overwrite: true);
            return (new NodeSigning(key, renewed), "updated");
        }
        catch (ArgumentException e)
        {
            throw new NodeConfigurationException("The node identity cannot be made: " + e.Message, e);
        }
    }

    /// <summary>
    /// The server certificate: from the PEM files given, else the self-signed one in the folder, created on first use
    /// (ECDSA P-256, one year, for <c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c> and <paramref name="hostNames"/>).
    /// </summary>
    /// <returns>The certificate with its private key, and whether it was created now.</returns>
    /// <exception cref="NodeConfigurationException">A PEM file is missing or unreadable, or only one of the two was given.</exception>
    public (X509Certificate2 Certificate, bool Created) LoadOrCreateTlsCertificate(string? certificatePemFile, string? keyPemFile,
        IEnumerable<string> hostNames, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (certificatePemFile is not null || keyPemFile is not null)
        {
            if (certificatePemFile is null || keyPemFile is null)
            {
                NodeConfigurationException.Throw("Give both --tls-cert and --tls-key, or neither.");
            }

            return (LoadPem(certificatePemFile, keyPemFile), false);
        }

        string certificateFile = System.IO.Path.Combine(Path, TlsCertificateFileName);
        string keyFile = System.IO.Path.Combine(Path, TlsKeyFileName);
        if (File.Exists(certificateFile) && File.Exists(keyFile))
        {
            RequirePrivate(keyFile, "TLS key file", "chmod 600");
            return (LoadPem(certificateFile, keyFile), false);
        }

        using X509Certificate2 created = SelfSignedCertificate.Create(hostNames, timeProvider.GetUtcNow());
        using ECDsa key = created.GetECDsaPrivateKey()!;
        WritePrivateFile(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(certificateFile, created.ExportCertificatePem() + "\n", Encoding.ASCII);
        return (LoadPem(certificateFile, keyFile), true);
    }

    /// <summary>The SHA-256 fingerprint of a certificate as operators compare it: upper-case hex pairs joined by colons.</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)).Chunk(2).Aggregate(
            new StringBuilder(95), (b, pair) => (b.Length > 0 ? b.Append(':') : b).Append(pair)).ToString();
    }

    private static X509Certificate2 LoadPem(string certificateFile, string keyFile)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new NodeConfigurationException($"Cannot load the TLS certificate '{certificateFile}' with key '{keyFile}': {e.Message}", e);
        }
    }

    internal static void WritePrivateFile(string file, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        using var stream = new FileStream(file, options);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    internal static void RequirePrivate(string path, string what, string fix)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            NodeConfigurationException.Throw(
                $"The {what} '{path}' may be accessed by other users (mode {Convert.ToString((int)mode, 8)}); it must be private to its owner: {fix} '{path}'.");
        }
    }
}

/// <summary>Makes the node's self-signed server certificate.</summary>
internal static class SelfSignedCertificate
{
    public static X509Certificate2 Create(IEnumerable<string> hostNames, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Detente node", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        foreach (string host in hostNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (System.Net.IPAddress.TryParse(host, out System.Net.IPAddress? address))
            {
                if (!System.Net.IPAddress.IsLoopback(address) && !address.Equals(System.Net.IPAddress.Any) && !address.Equals(System.Net.IPAddress.IPv6Any))
                {
                    names.AddIpAddress(address);
                }
            }
            else if (!string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && Uri.CheckHostName(host) == UriHostNameType.Dns)
            {
                names.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
    }
}
