using System.Buffers;

namespace Metering.Usage;

/// <summary>
/// Splits a raw <c>text/event-stream</c> byte stream into complete raw events, each with its terminating
/// blank line, so a caller can forward exactly the upstream's bytes (or drop an event) and parse it apart.
/// </summary>
/// <remarks>
/// <para>Line ends are <c>\r\n</c>, <c>\n</c> or <c>\r</c>, mixed freely (WHATWG SSE); an event ends at the
/// first empty line. Chunks may split anything, including a <c>\r\n</c> pair.</para>
/// <para>Never stalls: an event that ends in a lone <c>\r</c> at the end of the buffered bytes is emitted at
/// once; if the next chunk begins with the <c>\n</c> of that <c>\r\n</c>, the byte leads the next event (an
/// empty line, which SSE ignores) rather than being waited for. An event that grows past
/// <c>maxEventBytes</c> without ending is emitted as-is, in pieces; such pieces parse as garbage and go
/// unmetered, but the pass-through keeps flowing and memory stays bounded.</para>
/// <para>Memory returned by <see cref="TryReadEvent"/> and <see cref="TakeRemainder"/> points into the
/// internal buffer: it stays valid until the next <see cref="Append"/>, <see cref="TakeRemainder"/> or
/// <see cref="Dispose"/>. Not thread-safe.</para>
/// </remarks>
public sealed class SseEventSplitter : IDisposable
{
    /// <summary>Default cap on one event, 16 MiB: past the largest single events providers send (a partial image, a whole answer in one chunk).</summary>
    public const int DefaultMaxEventBytes = 16 * 1024 * 1024;

    private const int InitialBufferBytes = 4096;

    private readonly int _maxEventBytes;
    private byte[] _buffer = [];
    private int _start;     // first byte of the pending event
    private int _scanned;   // bytes before this index have been fed through the line state machine
    private int _end;       // end of buffered bytes
    private bool _atLineStart = true;
    private bool _afterCr;

    /// <param name="maxEventBytes">Bytes one event may reach before it is emitted unfinished; default 16 MiB.</param>
    public SseEventSplitter(int maxEventBytes = DefaultMaxEventBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventBytes, 1);
        _maxEventBytes = maxEventBytes;
    }

    /// <summary>Bytes currently held (pending, not yet returned).</summary>
    public int BufferedBytes => _end - _start;

    /// <summary>Size of the rented buffer; for tests that check memory stays flat.</summary>
    internal int BufferCapacity => _buffer.Length;

    /// <summary>Bytes fed through the line state machine so far; for tests that check each byte is scanned once.</summary>
    internal long ScannedBytes { get; private set; }

    /// <summary>Pending bytes copied by compaction and growth so far; for tests that check growth is geometric.</summary>
    internal long MovedBytes { get; private set; }

    /// <summary>Adds the next bytes received from upstream.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        MakeRoom(chunk.Length);
        chunk.CopyTo(_buffer.AsSpan(_end));
        _end += chunk.Length;
    }

    /// <summary>Returns the next complete event, raw, including its terminating blank line.</summary>
    public bool TryReadEvent(out ReadOnlyMemory<byte> rawEvent)
    {
        var eventEnd = ScanForEventEnd();
        if (eventEnd < 0 && _end - _start >= _maxEventBytes)
        {
            eventEnd = _end;   // oversized: hand it on unfinished, see remarks
        }

        if (eventEnd < 0)
        {
            rawEvent = default;
            return false;
        }

        rawEvent = _buffer.AsMemory(_start, eventEnd - _start);
        _start = eventEnd;
        return true;
    }

    /// <summary>Returns the unterminated tail (at end of stream) and resets the splitter.</summary>
    public ReadOnlyMemory<byte> TakeRemainder()
    {
        var remainder = _buffer.AsMemory(_start, _end - _start);
        _start = _scanned = _end;
        _atLineStart = true;
        _afterCr = false;
        return remainder;
    }

    public void Dispose()
    {
        ReturnBuffer();
        _start = _scanned = _end = 0;
    }

    // Feeds unscanned bytes through the line state machine, each byte once however the event arrives;
    // returns the index just past the blank line that ends the pending event, or -1.
    private int ScanForEventEnd()
    {
        var from = _scanned;
        var eventEnd = ScanUnscanned();
        ScannedBytes += _scanned - from;
        return eventEnd;
    }

    private int ScanUnscanned()
    {
        var bytes = _buffer;
        for (var i = _scanned; i < _end; i++)
        {
            var b = bytes[i];
            if (b == (byte)'\n')
            {
                if (_afterCr)
                {
                    _afterCr = false;   // second half of a \r\n already counted at the \r
                }
                else if (_atLineStart)
                {
                    return EndEventAt(i + 1, afterCr: false);
                }
                else
                {
                    _atLineStart = true;
                }
            }
            else if (b == (byte)'\r')
            {
                if (_atLineStart)
                {
                    // An empty line: take its \n too when it is already here (see remarks when it is not).
                    var crlf = i + 1 < _end && bytes[i + 1] == (byte)'\n';
                    return crlf ? EndEventAt(i + 2, afterCr: false) : EndEventAt(i + 1, afterCr: true);
                }

                _atLineStart = true;
                _afterCr = true;
            }
            else
            {
                _atLineStart = false;
                _afterCr = false;

                // Jump over the rest of the line; the loop's increment lands on its terminator.
                var lineRest = bytes.AsSpan(i + 1, _end - i - 1).IndexOfAny((byte)'\r', (byte)'\n');
                i = lineRest < 0 ? _end - 1 : i + lineRest;
            }
        }

        _scanned = _end;
        return -1;
    }

    private int EndEventAt(int index, bool afterCr)
    {
        _scanned = index;
        _atLineStart = true;
        _afterCr = afterCr;
        return index;
    }

    private void MakeRoom(int incoming)
    {
        var pending = _end - _start;
        var needed = pending + incoming;
        if (pending == 0)
        {
            _start = _scanned = _end = 0;
        }

        // Give back a buffer that grew for one big event once the traffic is small again.
        if (_buffer.Length > InitialBufferBytes * 4 && needed <= InitialBufferBytes)
        {
            Reallocate(InitialBufferBytes);
            return;
        }

        if (_buffer.Length - _end >= incoming)
        {
            return;
        }

        if (_buffer.Length >= needed)
        {
            Compact();
            return;
        }

        Reallocate(Math.Max(needed, Math.Max(InitialBufferBytes, _buffer.Length * 2)));
    }

    // Drops consumed bytes by moving the pending ones to the front.
    private void Compact()
    {
        var pending = _end - _start;
        _buffer.AsSpan(_start, pending).CopyTo(_buffer);
        MovedBytes += pending;
        _scanned -= _start;
        _start = 0;
        _end = pending;
    }

    private void Reallocate(int minimumLength)
    {
        var pending = _end - _start;
        var next = ArrayPool<byte>.Shared.Rent(minimumLength);
        _buffer.AsSpan(_start, pending).CopyTo(next);
        MovedBytes += pending;
        ReturnBuffer();
        _buffer = next;
        _scanned -= _start;
        _start = 0;
        _end = pending;
    }

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
    }
}
