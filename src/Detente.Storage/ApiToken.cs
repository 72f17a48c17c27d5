using System.Security.Cryptography;

namespace Detente.Storage;

/// <summary>What a token's holder may do on the node.</summary>
public enum TokenRole
{
    /// <summary>Everything, including the admin API.</summary>
    Admin = 0,

    /// <summary>A member's analyst: reads and writes the collections granted to the principal.</summary>
    Analyst = 1,

    /// <summary>Reads the collections granted to the principal.</summary>
    Reader = 2,

    /// <summary>A partner node: syncs the collections granted to the principal.</summary>
    Partner = 3,
}

/// <summary>An API token as stored: never the secret, only its SHA-256 hash.</summary>
/// <remarks>The node creates the secret with a CSPRNG, shows it once, and stores <see cref="TokenHash.Compute"/> of it.</remarks>
public sealed record ApiToken
{
    /// <summary>The token's public identifier (shown in listings and logs; not secret).</summary>
    public required string TokenId { get; init; }

    /// <summary>The principal the token authenticates.</summary>
    public required string Principal { get; init; }

    /// <summary>What the holder may do.</summary>
    public required TokenRole Role { get; init; }

    /// <summary>SHA-256 of the secret (<see cref="TokenHash.Size"/> bytes).</summary>
    public required ReadOnlyMemory<byte> SecretHash { get; init; }

    /// <summary>When the token was created.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When the token stops working, or null when it does not expire.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>When the token was revoked, or null.</summary>
    public DateTimeOffset? Revoked { get; init; }

    /// <summary>True when the token is neither revoked nor expired at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => Revoked is null && (Expires is null || now < Expires.Value);
}

/// <summary>Hashes token secrets and compares hashes in constant time.</summary>
public static class TokenHash
{
    /// <summary>The size of a hash in bytes.</summary>
    public const int Size = SHA256.HashSizeInBytes;

    /// <summary>SHA-256 of <paramref name="secret"/>.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> secret) => SHA256.HashData(secret);

    /// <summary>Compares two hashes in time that does not depend on where they differ.</summary>
    public static bool Matches(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);
}
