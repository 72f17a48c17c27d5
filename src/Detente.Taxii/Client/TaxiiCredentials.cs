using System.Net.Http.Headers;
using System.Text;

namespace Detente.Taxii.Client;

/// <summary>How a <see cref="TaxiiClient"/> authenticates: an <c>Authorization</c> header sent with every request.</summary>
/// <remarks>
/// TAXII 2.1 §1.6.9: HTTP authentication (RFC 7235). <see cref="Basic"/> is the scheme every TAXII client must
/// support (§8.5.1, RFC 7617); <see cref="Bearer"/> carries an API token (RFC 6750). The secret never appears in
/// <see cref="ToString"/>.
/// </remarks>
public sealed class TaxiiCredentials
{
    private TaxiiCredentials(string scheme, string parameter)
    {
        Header = new AuthenticationHeaderValue(scheme, parameter);
    }

    /// <summary>The scheme: <c>Bearer</c> or <c>Basic</c>.</summary>
    public string Scheme => Header.Scheme;

    internal AuthenticationHeaderValue Header { get; }

    /// <summary><c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="token"/> is empty or not of the b64token form (RFC 6750 §2.1).</exception>
    public static TaxiiCredentials Bearer(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        int end = token.Length;
        while (end > 0 && token[end - 1] == '=')
        {
            end--;
        }

        if (end == 0 || token.AsSpan(0, end).ContainsAnyExcept(s_b64Token))
        {
            throw new ArgumentException("A bearer token is letters, digits and - . _ ~ + /, then optional '=' (RFC 6750).", nameof(token));
        }

        return new TaxiiCredentials("Bearer", token);
    }

    /// <summary><c>Authorization: Basic base64(user-id ":" password)</c>, in UTF-8 (RFC 7617).</summary>
    /// <exception cref="ArgumentException"><paramref name="userId"/> contains a colon, or either holds a control character.</exception>
    public static TaxiiCredentials Basic(string userId, string password)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(password);
        if (userId.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A Basic user-id cannot contain ':' (RFC 7617 §2).", nameof(userId));
        }

        if (userId.Any(char.IsControl) || password.Any(char.IsControl))
        {
            throw new ArgumentException("Basic credentials cannot contain control characters (RFC 7617 §2).", userId.Any(char.IsControl) ? nameof(userId) : nameof(password));
        }

        return new TaxiiCredentials("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userId}:{password}")));
    }

    /// <summary>The scheme only; the secret is never shown.</summary>
    public override string ToString() => $"{Scheme} (secret hidden)";

    private static readonly System.Buffers.SearchValues<char> s_b64Token = System.Buffers.SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/");
}
