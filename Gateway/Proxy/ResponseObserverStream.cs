using System.Buffers;
using Metering.Usage;

namespace Gateway.Proxy;

/// <summary>
/// Stage 4: the pass-through stream YARP writes the upstream body into. Server-sent events go on to
/// the client one whole event at a time, flushed as they arrive, while the usage reader watches
/// them; a usage-only chunk the client did not ask for is withheld. A JSON body passes through and a
/// bounded copy is kept for its usage. Nothing here throws into the response path over metering.
/// </summary>
internal sealed class ResponseObserverStream(Stream inner, MeteringFeature feature, TimeProvider clock) : Stream
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

    public Stream Inner => inner;

    /// <summary>Called once the upstream's status and headers are known, before any body byte.</summary>
    public void Begin(bool isEventStream, bool success)
    {
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
            _captured = new ArrayBufferWriter<byte>();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_mode != Mode.Events)
        {
            Capture(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }
        _splitter!.Append(buffer.Span);
        while (_splitter.TryReadEvent(out var rawEvent))
        {
            if (Observe(rawEvent.Span))
                await inner.WriteAsync(rawEvent, cancellationToken);
        }
        await inner.FlushAsync(cancellationToken);
    }

    /// <summary>The upstream body has ended (normally or not): pass on what is left and read the body's usage.</summary>
    public async Task CompleteAsync(bool upstreamEndedCleanly, CancellationToken cancellationToken)
    {
        switch (_mode)
        {
            case Mode.Events:
                var tail = _splitter!.TakeRemainder();
                // An unterminated last event is passed on only when the upstream ended on its own;
                // half an event after a reset would only confuse the client's parser.
                if (!tail.IsEmpty && upstreamEndedCleanly && Observe(tail.Span))
                    await inner.WriteAsync(tail, cancellationToken);
                _splitter.Dispose(); // returns its pooled buffer
                break;
            case Mode.Body when _captured is not null:
                feature.UsageReader?.OnBody(_captured.WrittenSpan);
                break;
            case Mode.Error:
                feature.UpstreamErrorText = System.Text.Encoding.UTF8.GetString(_captured!.WrittenSpan);
                break;
        }
    }

    /// <returns>Whether the event goes on to the client.</returns>
    private bool Observe(ReadOnlySpan<byte> rawEvent)
    {
        if (!SseEvent.TryParse(rawEvent, out var eventName, out var data) || feature.UsageReader is not { } reader)
            return true;
        var kind = reader.OnEvent(eventName, data);
        if (kind == SseEventKind.Content)
            feature.MarkContent(clock);
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

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override void Flush() => inner.Flush();
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
