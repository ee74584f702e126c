using System.Buffers;
using System.IO.Pipelines;
using Metering.Usage;

namespace Gateway.Proxy;

/// <summary>
/// Stage 4: the pass-through stream YARP writes the upstream body into. Server-sent events go on to
/// the client one whole event at a time, flushed as they arrive, while the usage reader watches
/// them; a usage-only chunk the client did not ask for is withheld. A JSON body passes through and a
/// bounded copy is kept for its usage. The end of every response (the terminal event of a stream,
/// the last byte of a body) is held until <see cref="ReleaseHeldAsync"/>, which the pipeline calls
/// once the row is committed: no client sees a response complete before it is metered.
/// Bytes go into the response's pipe and are flushed once per upstream read, not once per event:
/// every flush is a send to the client, and a burst of events read together leaves together. The read
/// that ends a stream is not flushed: its events leave with the held end.
/// </summary>
internal sealed class ResponseObserverStream(PipeWriter output, MeteringFeature feature, TimeProvider clock) : Stream
{
    /// <summary>Largest JSON body whose usage is read; past it the body still passes, unmetered by the upstream's report.</summary>
    public const int MaxCapturedBody = 16 * 1024 * 1024;

    /// <summary>Bytes of an upstream error body kept for the row's message.</summary>
    public const int MaxCapturedError = 2048;

    private enum Mode { PassThrough, Events, Body, Error }

    private Mode _mode = Mode.PassThrough;
    private SseEventSplitter? _splitter;
    private ArrayBufferWriter<byte>? _captured;
    private bool _captureOverflow;
    private readonly ArrayBufferWriter<byte> _held = new(256);

    /// <summary>Some output was flushed: the response has started, and its end is ours to flush.</summary>
    private bool _flushed;

    /// <summary>Body bytes still to come when the upstream declared a length; null when it did not.</summary>
    private long? _bodyBytesLeft;

    /// <summary>Called once the upstream's status and headers are known, before any body byte.</summary>
    public void Begin(bool isEventStream, bool success, long? contentLength)
    {
        _bodyBytesLeft = isEventStream ? null : contentLength;
        if (!success)
        {
            _mode = Mode.Error;
            _captured = new ArrayBufferWriter<byte>(MaxCapturedError);
        }
        else if (isEventStream)
        {
            _mode = Mode.Events;
            _splitter = new SseEventSplitter();
        }
        else
        {
            _mode = Mode.Body;
            // Sized by the declared length: one buffer instead of a doubling series.
            _captured = new ArrayBufferWriter<byte>(contentLength is > 0 and <= MaxCapturedBody ? (int)contentLength : 4096);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return;
        if (_mode != Mode.Events)
        {
            Capture(buffer.Span);
            // Hold back the last byte: the body is not complete for the client until the row is.
            ReleaseHeld();
            Send(buffer.Span[..^1]);
            _held.Write(buffer.Span[^1..]);
            _bodyBytesLeft -= buffer.Length;
            // All of a declared length has come: it leaves with the held byte after the commit, in one send.
            if (_bodyBytesLeft is not 0)
                await SendNowAsync(cancellationToken);
            return;
        }
        _splitter!.Append(buffer.Span);
        var sent = false;
        while (_splitter.TryReadEvent(out var rawEvent))
        {
            if (!Observe(rawEvent.Span, out var terminal))
                continue;
            // Once the terminal event is seen, it and anything after it wait for the commit.
            if (terminal || _held.WrittenCount > 0)
                _held.Write(rawEvent.Span);
            else
            {
                Send(rawEvent.Span);
                sent = true;
            }
        }
        // A read that brought the stream's end (its terminal event is now held) is not flushed: the events
        // it passed leave with the end after the commit, in one send, as a complete JSON body does. Most
        // streams end with the last content, the usage chunk and [DONE] in one read; each request saves a send.
        if ((sent && _held.WrittenCount == 0) || !HasOutput)
            await SendNowAsync(cancellationToken); // the first read also sends the headers
    }

    /// <summary>The upstream body has ended (normally or not): take in what is left and read the body's usage.</summary>
    public void Complete(bool upstreamEndedCleanly)
    {
        switch (_mode)
        {
            case Mode.Events:
                var tail = _splitter!.TakeRemainder();
                // An unterminated last event is passed on only when the upstream ended on its own;
                // half an event after a reset would only confuse the client's parser.
                if (!tail.IsEmpty && upstreamEndedCleanly && Observe(tail.Span, out _))
                    _held.Write(tail.Span);
                _splitter.Dispose(); // returns its pooled buffer
                break;
            case Mode.Body when _captured is not null:
                feature.UsageReader?.OnBody(_captured.WrittenSpan);
                break;
            case Mode.Error:
                feature.UpstreamErrorText = System.Text.Encoding.UTF8.GetString(_captured!.WrittenSpan);
                break;
        }
        _captured = null;
    }

    /// <summary>
    /// Hands over what was held back; called once the row is committed. A chunked body is not flushed
    /// here: the server flushes it as the response ends, together with the end of the chunked body.
    /// A body of declared length is: once the response has started (a body of more than one upstream
    /// read, ~4 KB), Kestrel ends it without flushing what is still in its pipe, and the client would
    /// wait for its last bytes until a timeout.
    /// </summary>
    public ValueTask ReleaseHeldAsync()
    {
        ReleaseHeld();
        return _flushed && _bodyBytesLeft is not null ? SendNowAsync() : default;
    }

    private void ReleaseHeld()
    {
        Send(_held.WrittenSpan);
        _held.Clear();
    }

    private async ValueTask SendNowAsync(CancellationToken cancellationToken = default)
    {
        _flushed = true;
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Whether any byte went into the response, flushed or not. The server reports the response
    /// started only after a flush; until then a refusal written now would follow body bytes.
    /// </summary>
    public bool HasOutput { get; private set; }

    private void Send(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        output.Write(bytes);
        HasOutput = true;
    }

    /// <returns>Whether the event goes on to the client.</returns>
    private bool Observe(ReadOnlySpan<byte> rawEvent, out bool terminal)
    {
        terminal = false;
        if (!SseEvent.TryParse(rawEvent, out var eventName, out var data) || feature.UsageReader is not { } reader)
            return true;
        var kind = reader.OnEvent(eventName, data);
        if (kind == SseEventKind.Content)
            feature.MarkContent(clock);
        terminal = kind == SseEventKind.Done || SseTerminalEvents.IsTerminal(eventName);
        return kind != SseEventKind.UsageOnly || feature.ClientAskedForUsage;
    }

    private void Capture(ReadOnlySpan<byte> bytes)
    {
        if (_captured is null || _captureOverflow)
            return;
        var room = (_mode == Mode.Error ? MaxCapturedError : MaxCapturedBody) - _captured.WrittenCount;
        if (bytes.Length <= room)
        {
            _captured.Write(bytes);
            return;
        }
        if (_mode == Mode.Error)
            _captured.Write(bytes[..room]); // the head of an error text is what explains it
        else
            _captured = null; // too large to parse: let it pass and drop the copy, memory stays flat
        _captureOverflow = true;
    }

    // Flushing is WriteAsync's decision (once per upstream read); a caller's flush adds nothing.
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override void Flush() { }
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
