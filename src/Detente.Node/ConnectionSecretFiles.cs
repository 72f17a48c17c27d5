using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Detente.Node;

/// <summary>
/// The secrets of one outgoing connection, as files in a folder of the data folder: <c>token</c> (0600), <c>ca.crt</c>,
/// <c>client.crt</c> and <c>client.key</c> (0600). Shared by the partners' and the log witnesses' secrets.
/// </summary>
internal static class ConnectionSecretFiles
{
    private const string TokenFile = "token";
    private const string CaFile = "ca.crt";
    private const string ClientCertificateFile = "client.crt";
    private const string ClientKeyFile = "client.key";

    /// <summary>Checks every given PEM file, then writes the secrets into <paramref name="folder"/> (under <paramref name="root"/>);
    /// each given one replaces the stored one, null ones are left as they are.</summary>
    /// <exception cref="NodeConfigurationException">A PEM file is missing or unreadable, or a client certificate without its key.</exception>
    public static void Save(string root, string folder, string? token, string? caCertificatePemFile, string? clientCertificatePemFile,
        string? clientKeyPemFile, IReadOnlyDictionary<string, string>? plainFiles = null)
    {
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

        Directory.CreateDirectory(root);
        Directory.CreateDirectory(folder);
        Replace(folder, TokenFile, token, privateFile: true);
        Replace(folder, CaFile, ca, privateFile: false);
        Replace(folder, ClientCertificateFile, clientCertificate, privateFile: false);
        Replace(folder, ClientKeyFile, clientKey, privateFile: true);
        foreach ((string name, string text) in plainFiles ?? new Dictionary<string, string>())
        {
            Replace(folder, name, text, privateFile: false);
        }
    }

    /// <summary>Removes the folder (nothing when there is none).</summary>
    public static void Delete(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The stored token and the TLS settings of the stored certificates (system trust, no client certificate, when
    /// there are none).</summary>
    /// <exception cref="NodeConfigurationException">A secret file may be read by others, or is unreadable.</exception>
    public static (string? Token, OutgoingHttp Http) Load(string folder, string what)
    {
        string? token = ReadPrivate(Path.Combine(folder, TokenFile), what)?.Trim();
        string? ca = File.Exists(Path.Combine(folder, CaFile)) ? File.ReadAllText(Path.Combine(folder, CaFile), Encoding.ASCII) : null;
        string? certificate = File.Exists(Path.Combine(folder, ClientCertificateFile))
            ? File.ReadAllText(Path.Combine(folder, ClientCertificateFile), Encoding.ASCII)
            : null;
        string? key = ReadPrivate(Path.Combine(folder, ClientKeyFile), what);
        return (string.IsNullOrEmpty(token) ? null : token, new OutgoingHttp
        {
            TrustedCertificate = ca is null ? null : LoadCertificate(ca, Path.Combine(folder, CaFile)),
            ClientCertificate = certificate is null || key is null ? null : X509Certificate2.CreateFromPem(certificate, key),
        });
    }

    /// <summary>Whether a token is stored in the folder (never the token itself).</summary>
    public static bool HasToken(string folder) => File.Exists(Path.Combine(folder, TokenFile));

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

    private static string? ReadPrivate(string file, string what)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        NodeDataFolder.RequirePrivate(file, what, "chmod 600");
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
