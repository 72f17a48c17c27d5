using NSec.Cryptography;

namespace Detente.Stix.Signatures;

/// <summary>An Ed25519 private key that signs STIX objects for this node.</summary>
/// <remarks>
/// The key lives in NSec's protected memory. It is created from the operating system's CSPRNG (libsodium
/// <c>randombytes</c>) and cannot be exported unless created with <see cref="CreateExportable"/> or imported with
/// <c>exportable: true</c>, which only the node's key file needs; only the 32-byte RFC 8032 seed is ever exported.
/// </remarks>
public sealed class StixSigningKey : IDisposable
{
    private readonly Key _key;

    private StixSigningKey(Key key)
    {
        _key = key;
        VerificationKey = StixVerificationKey.FromRawPublicKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>The matching public key.</summary>
    public StixVerificationKey VerificationKey { get; }

    /// <summary>The key id (see <see cref="StixVerificationKey.KeyId"/>).</summary>
    public string KeyId => VerificationKey.KeyId;

    /// <summary>True when <see cref="ExportSeed"/> is allowed.</summary>
    public bool IsExportable => _key.ExportPolicy.HasFlag(KeyExportPolicies.AllowPlaintextExport);

    /// <summary>Creates a new random key that cannot be exported.</summary>
    public static StixSigningKey Create() => new(Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None }));

    /// <summary>Creates a new random key whose seed may be exported once, to be written to the node's key file.</summary>
    public static StixSigningKey CreateExportable() =>
        new(Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>Imports a key from its 32-byte RFC 8032 seed (the node's key file).</summary>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 32 bytes.</exception>
    public static StixSigningKey ImportSeed(ReadOnlySpan<byte> seed, bool exportable = false)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }

        var parameters = new KeyCreationParameters
        {
            ExportPolicy = exportable ? KeyExportPolicies.AllowPlaintextExport : KeyExportPolicies.None,
        };
        return new StixSigningKey(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, in parameters));
    }

    /// <summary>Writes the 32-byte seed to <paramref name="destination"/>; the caller clears it when done.</summary>
    /// <exception cref="InvalidOperationException">The key is not exportable.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public void ExportSeed(Span<byte> destination)
    {
        if (!IsExportable)
        {
            throw new InvalidOperationException("This signing key was created without permission to export it.");
        }

        if (destination.Length < 32)
        {
            throw new ArgumentException("The destination must hold 32 bytes.", nameof(destination));
        }

        if (!_key.TryExport(KeyBlobFormat.RawPrivateKey, destination, out int written) || written != 32)
        {
            throw new InvalidOperationException("The seed could not be exported.");
        }
    }

    /// <summary>Releases the key's protected memory.</summary>
    public void Dispose() => _key.Dispose();

    /// <summary>The 64-byte Ed25519 signature of <paramref name="data"/>.</summary>
    internal byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);
}
