using System.Security.Cryptography;
using System.Text;
using Detente.Storage;

namespace Detente.Node;

/// <summary>How the node reaches one witness of its log: the bearer token the witness issued to it, and the TLS settings.</summary>
/// <remarks>The token is a secret: <see cref="ToString"/> hides it, and it is kept in the data folder (<see cref="LogWitnessSecrets"/>),
/// not in the store.</remarks>
public sealed record LogWitnessConnection
{
    /// <summary>The bearer token sent with every submission, or null (a witness that needs none, or mutual TLS alone).</summary>
    public string? Token { get; init; }

    /// <summary>The TLS trust, client certificate and timeouts of the calls. Default: the system's roots, no client
    /// certificate, 30-second requests.</summary>
    public OutgoingHttp Http { get; init; } = new() { RequestTimeout = DefaultRequestTimeout };

    /// <summary>How long one submission may take unless <see cref="Http"/> says otherwise.</summary>
    public static TimeSpan DefaultRequestTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether a token is set, and the certificates; never the token.</summary>
    public override string ToString() => $"token {(Token is null ? "none" : "hidden")}, {Http}";
}

/// <summary>
/// The secrets of the witnesses of this node's log in the data folder: <c>log-witnesses/ID/token</c> (0600), <c>ca.crt</c>,
/// <c>client.crt</c>, <c>client.key</c> (0600) and <c>name</c> (the witness's name, for the operator), where ID is the first
/// 32 hex digits of SHA-256 of the witness's name (a witness name is a URL-like key name, not a file name).
/// </summary>
/// <remarks>
/// As for partners (<see cref="Sync.PartnerSecrets"/>): a witness token lets its holder submit checkpoints as this node, and
/// the store may be a shared PostgreSQL database, while the data folder is private to the operator. Stores older than
/// migration 11 kept the tokens in <c>log_witnesses</c>; <see cref="MoveFromStoreAsync"/> moves them here at start.
/// </remarks>
public sealed class LogWitnessSecrets
{
    private const string NameFile = "name";

    private readonly string _root;

    /// <summary>The witness secrets of the data folder at <paramref name="dataFolder"/>.</summary>
    public LogWitnessSecrets(NodeDataFolder dataFolder)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        _root = Path.Combine(dataFolder.Path, "log-witnesses");
    }

    /// <summary>Stores a witness's connection secrets (each given one replaces the stored one; null ones are left as they are).</summary>
    /// <exception cref="NodeConfigurationException">A PEM file is missing or unreadable, or a client certificate without its key.</exception>
    public void Save(string witness, string? token, string? caCertificatePemFile, string? clientCertificatePemFile, string? clientKeyPemFile) =>
        ConnectionSecretFiles.Save(_root, FolderOf(witness), token, caCertificatePemFile, clientCertificatePemFile, clientKeyPemFile,
            new Dictionary<string, string>(StringComparer.Ordinal) { [NameFile] = witness + "\n" });

    /// <summary>Removes a witness's secrets (nothing when there are none).</summary>
    public void Delete(string witness) => ConnectionSecretFiles.Delete(FolderOf(witness));

    /// <summary>The connection to <paramref name="witness"/> with its stored secrets (none stored: no token, system trust).</summary>
    /// <exception cref="NodeConfigurationException">A secret file may be read by others, or is unreadable.</exception>
    public LogWitnessConnection Load(string witness)
    {
        (string? token, OutgoingHttp http) = ConnectionSecretFiles.Load(FolderOf(witness), "log witness secret file");
        return new LogWitnessConnection { Token = token, Http = http with { RequestTimeout = LogWitnessConnection.DefaultRequestTimeout } };
    }

    /// <summary>Whether a token is stored for the witness (never the token itself).</summary>
    public bool HasToken(string witness) => ConnectionSecretFiles.HasToken(FolderOf(witness));

    /// <summary>
    /// Moves the witness tokens that an older store kept (<see cref="IStore.ListLogWitnessTokensToMoveAsync"/>) into the data
    /// folder: each is written (0600), then forgotten by the store, so that a crash in between only writes it again.
    /// </summary>
    /// <returns>How many tokens were moved.</returns>
    public async Task<int> MoveFromStoreAsync(IStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        int moved = 0;
        foreach (LogWitnessTokenToMove token in await store.ListLogWitnessTokensToMoveAsync(cancellationToken).ConfigureAwait(false))
        {
            Save(token.Name, token.Token, null, null, null);
            await store.ForgetLogWitnessTokenToMoveAsync(token.Name, cancellationToken).ConfigureAwait(false);
            moved++;
        }

        return moved;
    }

    private string FolderOf(string witness)
    {
        ArgumentException.ThrowIfNullOrEmpty(witness);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(witness));
        return Path.Combine(_root, Convert.ToHexStringLower(hash.AsSpan(0, 16)));
    }
}
