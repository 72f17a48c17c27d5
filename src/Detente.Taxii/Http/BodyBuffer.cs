using System.Buffers;

namespace Detente.Taxii.Http;

/// <summary>
/// A request or response body read into memory, never more than a limit: a declared length over the limit is
/// refused before reading, and an undeclared one is read in growing pooled buffers until it ends or passes the limit.
/// </summary>
internal sealed class BodyBuffer : IDisposable
{
    private const int FirstChunk = 16 * 1024;

    private byte[] _array;
    private readonly bool _pooled;

    private BodyBuffer(byte[] array, int length, bool pooled)
    {
        _array = array;
        Length = length;
        _pooled = pooled;
    }

    /// <summary>The number of bytes read.</summary>
    public int Length { get; }

    /// <summary>The bytes read.</summary>
    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    /// <summary>The bytes in an array of their own length (the buffer itself when it is one already).</summary>
    public byte[] ToExactArray() => !_pooled && _array.Length == Length ? _array : Span.ToArray();

    /// <summary>Reads <paramref name="stream"/> to its end.</summary>
    /// <exception cref="TaxiiFormatException">The body is longer than <paramref name="maxBytes"/>, or not as long as declared.</exception>
    public static async Task<BodyBuffer> ReadAsync(Stream stream, long maxBytes, long? contentLength, CancellationToken cancellationToken)
    {
        if (contentLength is long declared)
        {
            if (declared > maxBytes || declared < 0)
            {
                throw TooLong(maxBytes);
            }

            // Known length: one exact array, and one more read that must find the end.
            var exact = new byte[declared];
            int read = await stream.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            byte[] probe = new byte[1];
            if (read < exact.Length || await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false) != 0)
            {
                throw new TaxiiFormatException($"The body is not as long as its declared {declared} bytes.", read);
            }

            return new BodyBuffer(exact, exact.Length, pooled: false);
        }

        // Never read more than one byte past the limit: that byte is how "over the limit" is seen. Pooled arrays
        // may be larger than asked for, so every read is cut at the cap, not at the array's end.
        int cap = (int)Math.Min(maxBytes + 1, Array.MaxLength);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(FirstChunk, cap));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == cap)
                {
                    throw TooLong(maxBytes);
                }

                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, cap));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int window = Math.Min(buffer.Length, cap) - length;
                int read = await stream.ReadAsync(buffer.AsMemory(length, window), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            var result = new BodyBuffer(buffer, length, pooled: true);
            buffer = [];
            return result;
        }
        finally
        {
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Returns a pooled buffer.</summary>
    public void Dispose()
    {
        if (_pooled && _array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = [];
    }

    private static TaxiiFormatException TooLong(long maxBytes) =>
        new($"The body exceeds the limit of {maxBytes} bytes.", maxBytes);
}
