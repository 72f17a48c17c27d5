using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Detente.Psi;

/// <summary>A 128-bit PSI session id: bound into every chunk of the session and, as the key context, into the DST.</summary>
/// <param name="Value">The id as a 128-bit number (big-endian on the wire).</param>
public readonly record struct PsiSessionId(UInt128 Value)
{
    /// <summary>Bytes of a session id on the wire.</summary>
    public const int Length = 16;

    /// <summary>A fresh random session id.</summary>
    public static PsiSessionId New()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return Read(bytes);
    }

    /// <summary>Reads 16 big-endian bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 16 bytes long.</exception>
    public static PsiSessionId Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A session id has {Length} bytes.", nameof(bytes));
        }

        return new PsiSessionId(BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    /// <summary>Parses the 32 lower-case hex digits <see cref="ToString"/> writes.</summary>
    /// <exception cref="PsiException">The text is not 32 lower-case hex digits.</exception>
    public static PsiSessionId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != 2 * Length || !text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
            || !UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out UInt128 value))
        {
            throw new PsiException("A session id is 32 lower-case hex digits.");
        }

        return new PsiSessionId(value);
    }

    /// <summary>Writes the 16 big-endian bytes.</summary>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, Value);

    /// <summary>32 lower-case hex digits.</summary>
    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);
}
