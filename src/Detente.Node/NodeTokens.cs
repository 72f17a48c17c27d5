using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// API tokens as shown to their holder: <c>dtn_{id}_{secret}</c>, with a 16-hex-digit id and 32 random bytes of secret in
/// base64url. Only the SHA-256 of the secret's text is stored (<see cref="TokenHash"/>); the token is shown once.
/// </summary>
public static class NodeTokens
{
    /// <summary>The prefix of every token.</summary>
    public const string Prefix = "dtn_";

    private const int IdBytes = 8;
    private const int SecretBytes = 32;
    private const int IdChars = IdBytes * 2;
    private static readonly int s_secretChars = Base64Url.GetEncodedLength(SecretBytes);

    /// <summary>Creates a token for <paramref name="principal"/>: the record to store and the text to show once.</summary>
    /// <param name="principal">The principal the token authenticates as.</param>
    /// <param name="role">The token's role.</param>
    /// <param name="created">The creation time.</param>
    /// <param name="expires">When it stops working, or null for never.</param>
    public static (ApiToken Token, string Secret) Create(string principal, TokenRole role, DateTimeOffset created, DateTimeOffset? expires)
    {
        ArgumentException.ThrowIfNullOrEmpty(principal);
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        string secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var token = new ApiToken
        {
            TokenId = id,
            Principal = principal,
            Role = role,
            SecretHash = TokenHash.Compute(Encoding.ASCII.GetBytes(secret)),
            Created = created,
            Expires = expires,
        };
        return (token, Prefix + id + "_" + secret);
    }

    /// <summary>Splits a presented token into its id and the hash of its secret; false when it is not of the token form.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out string? tokenId, [NotNullWhen(true)] out byte[]? secretHash)
    {
        tokenId = null;
        secretHash = null;
        if (text.Length != Prefix.Length + IdChars + 1 + s_secretChars || !text.StartsWith(Prefix, StringComparison.Ordinal)
            || text[Prefix.Length + IdChars] != '_')
        {
            return false;
        }

        ReadOnlySpan<char> id = text.Slice(Prefix.Length, IdChars);
        ReadOnlySpan<char> secret = text[(Prefix.Length + IdChars + 1)..];
        if (id.IndexOfAnyExcept("0123456789abcdef") >= 0 || !Base64Url.IsValid(secret))
        {
            return false;
        }

        Span<byte> ascii = stackalloc byte[secret.Length];
        for (int i = 0; i < secret.Length; i++)
        {
            ascii[i] = (byte)secret[i];
        }

        tokenId = id.ToString();
        secretHash = TokenHash.Compute(ascii);
        return true;
    }

    /// <summary>
    /// The principal a presented token authenticates, or null: unknown, malformed, revoked or expired tokens all give null.
    /// The secret's hash is compared in constant time.
    /// </summary>
    public static async Task<NodePrincipal?> AuthenticateAsync(IStore store, string presented, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!TryParse(presented, out string? tokenId, out byte[]? hash))
        {
            return null;
        }

        ApiToken? token = await store.GetTokenAsync(tokenId, cancellationToken).ConfigureAwait(false);
        if (token is null || !TokenHash.Matches(token.SecretHash.Span, hash) || !token.IsActiveAt(now))
        {
            return null;
        }

        return new NodePrincipal(token.Principal, token.Role);
    }
}
