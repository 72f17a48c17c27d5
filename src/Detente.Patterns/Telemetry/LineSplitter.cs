using System.Buffers;
using Detente.Patterns.Observations;

namespace Detente.Patterns.Telemetry;

/// <summary>What <see cref="LineSplitter.Next"/> found.</summary>
internal enum LineStatus
{
    /// <summary>A line is ready in <see cref="LineSplitter.Line"/>.</summary>
    Line,

    /// <summary>A line is longer than the limit; it is skipped without being held in memory.</summary>
    TooLong,

    /// <summary>No complete line is buffered: call <see cref="LineSplitter.FillAsync"/>.</summary>
    NeedMore,

    /// <summary>The stream is exhausted.</summary>
    End,
}

/// <summary>Receives the lines of a <see cref="LineSplitter"/> (<see cref="LineSplitter.Drain"/>, <see cref="LineSplitter.ReadAsync"/>).</summary>
internal interface ILineHandler
{
    /// <summary>A line that is not blank, without its line break (valid during the call), with its number and byte offset.</summary>
    public void OnLine(ReadOnlySpan<byte> line, long lineNumber, long byteOffset);

    /// <summary>A line longer than the limit, skipped without being held in memory.</summary>
    public void OnTooLong(SourcePosition position);
}

/// <summary>
/// Splits a stream into LF-terminated lines in a pooled buffer, tracking line numbers and byte offsets; memory stays
/// bounded by the longest line allowed. Each byte is searched for a line break once.
/// </summary>
internal sealed class LineSplitter(Stream stream, int maxLineBytes) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _start;        // the first byte of the current line
    private int _scanned;      // [_start, _scanned) holds no line break
    private int _end;          // the end of the bytes read
    private long _bufferOffset; // the stream offset of _buffer[0]
    private bool _eof;
    private bool _skipping;    // discarding the rest of a line over the limit
    private int _lineStart;
    private int _lineLength;

    /// <summary>The number of the line last returned (or skipped).</summary>
    public long LineNumber { get; private set; }

    /// <summary>The position of the line last returned (or skipped).</summary>
    public SourcePosition Position { get; private set; }

    /// <summary>The line last returned, without its line break; valid until the next call.</summary>
    public ReadOnlySpan<byte> Line => _buffer.AsSpan(_lineStart, _lineLength);

    public LineStatus Next()
    {
        while (true)
        {
            int found = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (found < 0 && !_eof)
            {
                _scanned = _end;
                if (_end - _start > maxLineBytes && !_skipping)
                {
                    // Report the line now and drop what is buffered of it; the rest is skipped as it arrives.
                    LineNumber++;
                    Position = new SourcePosition(LineNumber, _bufferOffset + _start, null);
                    _skipping = true;
                    _bufferOffset += _end;
                    _start = _scanned = _end = 0;
                    return LineStatus.TooLong;
                }

                if (_skipping)
                {
                    _bufferOffset += _end;
                    _start = _scanned = _end = 0;
                }

                return LineStatus.NeedMore;
            }

            if (found < 0 && _start == _end)
            {
                return LineStatus.End;
            }

            int lineEnd = found < 0 ? _end : _scanned + found;
            int lineStart = _start;
            _start = _scanned = found < 0 ? _end : lineEnd + 1;
            if (_skipping)
            {
                _skipping = false;
                continue;
            }

            LineNumber++;
            long offset = _bufferOffset + lineStart;
            Position = new SourcePosition(LineNumber, offset, null);
            if (offset == 0 && _buffer.AsSpan(lineStart, lineEnd - lineStart).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                lineStart += 3; // a UTF-8 byte order mark
            }

            int length = lineEnd - lineStart;
            if (length > 0 && _buffer[lineEnd - 1] == '\r')
            {
                length--;
            }

            if (length > maxLineBytes)
            {
                return LineStatus.TooLong;
            }

            _lineStart = lineStart;
            _lineLength = length;
            return LineStatus.Line;
        }
    }

    /// <summary>
    /// Hands every complete line buffered to <paramref name="handler"/> (blank lines, spaces and tabs only, are skipped).
    /// </summary>
    /// <returns>False at the end of the stream; true when more must be read (<see cref="FillAsync"/>).</returns>
    public bool Drain<THandler>(ref THandler handler)
        where THandler : ILineHandler
    {
        while (true)
        {
            switch (Next())
            {
                case LineStatus.NeedMore:
                    return true;
                case LineStatus.End:
                    return false;
                case LineStatus.TooLong:
                    handler.OnTooLong(Position);
                    break;
                default:
                    ReadOnlySpan<byte> line = Line;
                    if (!line.Trim(" \t"u8).IsEmpty)
                    {
                        handler.OnLine(line, LineNumber, Position.ByteOffset ?? 0);
                    }

                    break;
            }
        }
    }

    /// <summary>Hands every line of the stream to <paramref name="handler"/> (see <see cref="Drain"/>).</summary>
    /// <returns>The number of lines, blank ones included.</returns>
    public async Task<long> ReadAsync<THandler>(THandler handler, CancellationToken cancellationToken)
        where THandler : class, ILineHandler
    {
        while (Drain(ref handler))
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        return LineNumber;
    }

    public async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferOffset += _start;
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, _buffer.Length * 2L));
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        int read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _eof = read == 0;
        _end += read;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
