using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// Client certificates the operator maps to principals (mutual TLS): the SHA-256 thumbprint of the certificate (DER),
/// the principal, and its role. Kept in the data folder as <see cref="FileName"/>, one mapping per line:
/// <c>{64 hex digits, colons allowed} {principal} [{role}]</c>, the role one of <c>admin</c>, <c>analyst</c>,
/// <c>reader</c>, <c>partner</c> (default <c>partner</c>); <c>#</c> starts a comment.
/// </summary>
/// <remarks>
/// The thumbprint is pinned: the certificate's chain is not consulted, only its validity period. The thumbprint is
/// what <c>openssl x509 -noout -fingerprint -sha256</c> prints.
/// </remarks>
public sealed class ClientCertificateMap
{
    /// <summary>The map's file name in the data folder.</summary>
    public const string FileName = "client-certificates";

    private const int MaxPrincipalLength = 256;

    private readonly FrozenDictionary<string, NodePrincipal> _byThumbprint;

    private ClientCertificateMap(FrozenDictionary<string, NodePrincipal> byThumbprint)
    {
        _byThumbprint = byThumbprint;
    }

    /// <summary>No client certificate authenticates.</summary>
    public static ClientCertificateMap Empty { get; } = new(FrozenDictionary<string, NodePrincipal>.Empty);

    /// <summary>How many certificates are mapped.</summary>
    public int Count => _byThumbprint.Count;

    /// <summary>Reads a map from its text.</summary>
    /// <exception cref="NodeConfigurationException">A line is malformed, or a thumbprint appears twice (with the line).</exception>
    public static ClientCertificateMap Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var map = new Dictionary<string, NodePrincipal>(StringComparer.Ordinal);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i];
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            string[] fields = (hash >= 0 ? line[..hash] : line).Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (fields.Length > 3)
            {
                NodeConfigurationException.Throw($"{FileName}, line {lineNumber}: expected 'THUMBPRINT PRINCIPAL [ROLE]'.", lineNumber);
            }

            string? thumbprint = NormalizeThumbprint(fields[0]);
            if (thumbprint is null)
            {
                NodeConfigurationException.Throw($"{FileName}, line {lineNumber}: a SHA-256 thumbprint is 64 hex digits (colons allowed).", lineNumber);
            }

            if (fields.Length < 2 || fields[1].Length > MaxPrincipalLength)
            {
                NodeConfigurationException.Throw($"{FileName}, line {lineNumber}: a principal of 1–{MaxPrincipalLength} characters follows the thumbprint.",
                    lineNumber);
            }

            TokenRole role = TokenRole.Partner;
            if (fields.Length == 3 && !TryParseRole(fields[2], out role))
            {
                NodeConfigurationException.Throw($"{FileName}, line {lineNumber}: the role is admin, analyst, reader or partner.", lineNumber);
            }

            if (!map.TryAdd(thumbprint, new NodePrincipal(fields[1], role)))
            {
                NodeConfigurationException.Throw($"{FileName}, line {lineNumber}: the thumbprint is mapped twice.", lineNumber);
            }
        }

        return new ClientCertificateMap(map.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>Reads the map in <paramref name="dataFolder"/>, or <see cref="Empty"/> when the folder has none.</summary>
    /// <exception cref="NodeConfigurationException">The file is malformed.</exception>
    public static ClientCertificateMap Load(string dataFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        string path = Path.Combine(dataFolder, FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path, Encoding.UTF8)) : Empty;
    }

    /// <summary>Writes the map's text: one line per mapping, by thumbprint.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        foreach (KeyValuePair<string, NodePrincipal> entry in _byThumbprint.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(entry.Key).Append(' ').Append(entry.Value.Name).Append(' ')
                .Append(entry.Value.Role.ToString().ToLowerInvariant()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The SHA-256 thumbprint of a certificate: lower-case hex of the hash of its DER encoding.</summary>
    public static string Thumbprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    /// <summary>
    /// The principal <paramref name="certificate"/> authenticates at <paramref name="now"/>: null when it is not mapped or
    /// outside its validity period.
    /// </summary>
    public NodePrincipal? Authenticate(X509Certificate2 certificate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (_byThumbprint.Count == 0 || !_byThumbprint.TryGetValue(Thumbprint(certificate), out NodePrincipal? principal))
        {
            return null;
        }

        DateTime utc = now.UtcDateTime;
        return utc < certificate.NotBefore.ToUniversalTime() || utc > certificate.NotAfter.ToUniversalTime() ? null : principal;
    }

    /// <summary>The lower-case hex of a thumbprint written with or without colons, or null when it is not 32 bytes of hex.</summary>
    internal static string? NormalizeThumbprint(string text)
    {
        string hex = text.Replace(":", string.Empty, StringComparison.Ordinal);
        return hex.Length == 64 && hex.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF") < 0 ? hex.ToLowerInvariant() : null;
    }

    /// <summary>A role by its name, in any case.</summary>
    public static bool TryParseRole(string text, out TokenRole role)
    {
        ArgumentNullException.ThrowIfNull(text);
        role = TokenRole.Partner;
        foreach (TokenRole candidate in Enum.GetValues<TokenRole>())
        {
            if (string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }

        return false;
    }
}
