using System.Numerics;
using System.Security.Cryptography;

namespace Detente.Stix.Tests.Signatures;

/// <summary>
/// Slow, plain Ed25519 arithmetic (RFC 8032 §5.1) over <see cref="BigInteger"/>, to build edge-case signatures that no
/// honest signer produces. Test code only: nothing here is constant time.
/// </summary>
internal static class Ed25519TestMath
{
    public static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    public static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");
    private static readonly BigInteger s_d = Mod(-121665 * Inverse(121666));
    private static readonly BigInteger s_sqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);

    /// <summary>The base point B.</summary>
    public static readonly Point B = DecodeStrict(Convert.FromHexString("5866666666666666666666666666666666666666666666666666666666666666"))!.Value;

    /// <summary>The identity (0, 1).</summary>
    public static readonly Point Identity = new(0, 1, 1, 0);

    /// <summary>A point in extended coordinates: x = X/Z, y = Y/Z, x·y = T/Z.</summary>
    public readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z, BigInteger T);

    public static BigInteger Mod(BigInteger a)
    {
        BigInteger r = BigInteger.Remainder(a, P);
        return r.Sign < 0 ? r + P : r;
    }

    public static BigInteger ModL(BigInteger a)
    {
        BigInteger r = BigInteger.Remainder(a, L);
        return r.Sign < 0 ? r + L : r;
    }

    public static BigInteger Inverse(BigInteger a) => BigInteger.ModPow(Mod(a), P - 2, P);

    public static Point Add(Point p, Point q)
    {
        // RFC 8032 §5.1.4, a = -1.
        BigInteger a = Mod((p.Y - p.X) * (q.Y - q.X));
        BigInteger b = Mod((p.Y + p.X) * (q.Y + q.X));
        BigInteger c = Mod(p.T * 2 * s_d * q.T);
        BigInteger dd = Mod(p.Z * 2 * q.Z);
        BigInteger e = b - a, f = dd - c, g = dd + c, h = b + a;
        return new Point(Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    public static Point Negate(Point p) => new(Mod(-p.X), p.Y, p.Z, Mod(-p.T));

    public static Point Multiply(BigInteger scalar, Point p)
    {
        Point result = Identity;
        while (scalar > 0)
        {
            if (!scalar.IsEven)
            {
                result = Add(result, p);
            }

            p = Add(p, p);
            scalar >>= 1;
        }

        return result;
    }

    public static byte[] Encode(Point p)
    {
        BigInteger zi = Inverse(p.Z);
        BigInteger x = Mod(p.X * zi), y = Mod(p.Y * zi);
        byte[] bytes = ToLittleEndian(y);
        bytes[31] |= (byte)(x.IsEven ? 0 : 0x80);
        return bytes;
    }

    /// <summary>RFC 8032 §5.1.3 decoding: null when y ≥ p, when no x exists, or for x = 0 with the sign bit set.</summary>
    public static Point? DecodeStrict(ReadOnlySpan<byte> encoding)
    {
        BigInteger raw = FromLittleEndian(encoding);
        bool sign = (encoding[31] & 0x80) != 0;
        BigInteger y = raw & ((BigInteger.One << 255) - 1);
        if (y >= P)
        {
            return null;
        }

        BigInteger? x = RecoverX(y, sign);
        return x is null ? null : new Point(x.Value, y, 1, Mod(x.Value * y));
    }

    /// <summary>y taken modulo p, as lenient decoders do.</summary>
    public static Point? DecodeLenient(ReadOnlySpan<byte> encoding)
    {
        BigInteger raw = FromLittleEndian(encoding);
        bool sign = (encoding[31] & 0x80) != 0;
        BigInteger y = Mod(raw & ((BigInteger.One << 255) - 1));
        BigInteger? x = RecoverX(y, sign) ?? RecoverX(y, false);
        return x is null ? null : new Point(x.Value, y, 1, Mod(x.Value * y));
    }

    public static bool SamePoint(Point p, Point q) => Encode(p).AsSpan().SequenceEqual(Encode(q));

    public static byte[] ToLittleEndian(BigInteger value)
    {
        var bytes = new byte[32];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }

    public static BigInteger FromLittleEndian(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: false);

    /// <summary>k = SHA-512(R ‖ A ‖ M) mod L.</summary>
    public static BigInteger Challenge(ReadOnlySpan<byte> r, ReadOnlySpan<byte> a, ReadOnlySpan<byte> message)
    {
        byte[] input = [.. r, .. a, .. message];
        return ModL(FromLittleEndian(SHA512.HashData(input)));
    }

    /// <summary>The secret scalar a and the nonce prefix of an RFC 8032 seed (§5.1.5).</summary>
    public static (BigInteger Scalar, byte[] Prefix) Expand(ReadOnlySpan<byte> seed)
    {
        byte[] h = SHA512.HashData(seed);
        h[0] &= 248;
        h[31] &= 127;
        h[31] |= 64;
        return (FromLittleEndian(h.AsSpan(0, 32)), h[32..]);
    }

    /// <summary>Signs as RFC 8032 §5.1.6 does, with R replaced by <c>R + extraR</c> in the signature and the challenge.</summary>
    public static byte[] Sign(BigInteger a, ReadOnlySpan<byte> publicKey, BigInteger r, ReadOnlySpan<byte> message, Point? extraR = null)
    {
        Point rPoint = Multiply(r, B);
        if (extraR is not null)
        {
            rPoint = Add(rPoint, extraR.Value);
        }

        byte[] encodedR = Encode(rPoint);
        BigInteger k = Challenge(encodedR, publicKey, message);
        BigInteger s = ModL(r + (k * a));
        return [.. encodedR, .. ToLittleEndian(s)];
    }

    /// <summary>Cofactorless check on decoded points: [S]B = R + [k]A. Null when a point does not decode strictly.</summary>
    public static bool? VerifyCofactorless(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Point? a = DecodeStrict(publicKey), r = DecodeStrict(signature[..32]);
        if (a is null || r is null)
        {
            return null;
        }

        BigInteger k = Challenge(signature[..32], publicKey, message);
        BigInteger s = FromLittleEndian(signature[32..]);
        return SamePoint(Multiply(s, B), Add(r.Value, Multiply(k, a.Value)));
    }

    /// <summary>Cofactored check: [8][S]B = [8]R + [8][k]A, with S taken as written (not reduced).</summary>
    public static bool? VerifyCofactored(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Point? a = DecodeLenient(publicKey), r = DecodeLenient(signature[..32]);
        if (a is null || r is null)
        {
            return null;
        }

        BigInteger k = Challenge(signature[..32], publicKey, message);
        BigInteger s = FromLittleEndian(signature[32..]);
        return SamePoint(Multiply(8, Multiply(s, B)), Multiply(8, Add(r.Value, Multiply(k, a.Value))));
    }

    /// <summary>True when [8]P is the identity.</summary>
    public static bool HasSmallOrder(Point p) => SamePoint(Multiply(8, p), Identity);

    private static BigInteger? RecoverX(BigInteger y, bool sign)
    {
        BigInteger u = Mod((y * y) - 1);
        BigInteger v = Mod((s_d * y * y) + 1);
        BigInteger x2 = Mod(u * Inverse(v));
        if (x2.IsZero)
        {
            return sign ? null : BigInteger.Zero;
        }

        BigInteger x = BigInteger.ModPow(x2, (P + 3) / 8, P);
        if (Mod((x * x) - x2) != 0)
        {
            x = Mod(x * s_sqrtMinusOne);
        }

        if (Mod((x * x) - x2) != 0)
        {
            return null;
        }

        if (x.IsEven == sign)
        {
            x = P - x;
        }

        return x;
    }
}
