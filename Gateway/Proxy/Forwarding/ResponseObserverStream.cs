using System.Buffers;
using System.IO.Pipelines;
using Metering.Usage;

namespace Gateway.Proxy.Forwarding;

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
    /// <summary>Largest JSON body kept whole for its usage; past it only its tail is kept (<see cref="UsageTail"/>).</summary>
    public const int MaxCapturedBody = 16 * 1024 * 1024;

    /// <summary>Bytes of an upstream error body kept for the row's message (a CDN page's title is in its head).</summary>
    public const int MaxCapturedError = 16 * 1024;

    private enum Mode { PassThrough, Events, Body, Error }

    private Mode _mode = Mode.PassThrough;
    private SseEventSplitter? _splitter;
    private ArrayBufferWriter<byte>? _captured;
    private bool _captureOverflow;
    private readonly ArrayBufferWriter<byte> _held = new(256);
    private UpstreamBody _body = new(false, true, null, null, null, null);

    /// <summary>The last <see cref="UsageTail.TailBytes"/> of a body too large to keep whole.</summary>
    private byte[]? _tail;
    private int _tailLength;

    /// <summary>Masks the upstream credential in an error body on its way to the client.</summary>
    private SecretMask? _mask;
    private ArrayBufferWriter<byte>? _masked;

    /// <summary>Some output was flushed: the response has started, and its end is ours to flush.</summary>
    private bool _flushed;

    /// <summary>Body bytes still to come when the upstream declared a length; null when it did not.</summary>
    private long? _bodyBytesLeft;

    /// <summary>Set when the model's cluster speaks another format: the answer (or error) reaches the client translated.</summary>
    private ResponseTranslation? _translation;

    /// <summary>Called once the upstream's status and headers are known, before any body byte.</summary>
    /// <returns>
    /// Whether the body's bytes are masked on their way (an error body, or any body of a per-call API, which
    /// may echo the request's headers) or translated: its length then changes, so it must not be declared to the client.
    /// </returns>
    public bool Begin(UpstreamBody body)
    {
        _body = body;
        if (feature.Admitted.Translation is { } translation)
            _translation = new ResponseTranslation(translation, feature.Route.Dialect, feature.Admitted.ClientAskedForUsage, feature.ArrivalUnixMs / 1000);
        _bodyBytesLeft = body.IsEventStream ? null : body.ContentLength;
        var perCall = feature.Forwarded.UsageReader is null;
        // An encoded body cannot be masked on the wire: it passes as it came (an error's decoded text is masked in the row).
        // A translated body is written anew from the masked error text, never passed.
        if (_translation is null && (!body.Success || (perCall && !body.IsEventStream)) && !BodyDecoding.IsEncoded(body.ContentEncoding) && SecretMask.For(body.Secret) is { } mask)
            (_mask, _masked) = (mask, new ArrayBufferWriter<byte>(4096));
        if (!body.Success)
        {
            _mode = Mode.Error;
            _captured = new ArrayBufferWriter<byte>(MaxCapturedError);
        }
        else if (body.IsEventStream)
        {
            _mode = Mode.Events;
            _splitter = new SseEventSplitter();
        }
        else
        {
            _mode = Mode.Body;
            // A per-call API's answer is any bytes, priced per call: nothing to read in it.
            if (!perCall)
                // Sized by the declared length: one buffer instead of a doubling series.
                _captured = new ArrayBufferWriter<byte>(body.ContentLength is > 0 and <= MaxCapturedBody ? (int)body.ContentLength : 4096);
        }
        return _mask is not null || _translation is not null;
    }

    /// <summary>When the upstream's last body bytes came (0 before any): how long it then fell silent.</summary>
    public long LastUpstreamBytesTimestamp { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        LastUpstreamBytesTimestamp = clock.GetTimestamp();
        if (buffer.IsEmpty)
            return;
        if (_mode != Mode.Events)
        {
            Capture(buffer.Span);
            if (_translation is not null)
                return; // the client's body is the translation of the whole answer (or error), written by Complete
            var payload = buffer.Span;
            if (_mask is not null)
            {
                _masked!.Clear();
                _mask.Write(payload, _masked);
                payload = _masked.WrittenSpan;
            }
            _bodyBytesLeft -= buffer.Length;
            if (payload.IsEmpty)
                return;
            // Hold back the last byte: the body is not complete for the client until the row is.
            ReleaseHeld();
            Send(payload[..^1]);
            _held.Write(payload[^1..]);
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
                _held.Write(Outgoing(rawEvent.Span));
            else
            {
                Send(Outgoing(rawEvent.Span));
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
        _mask?.Complete(_held);
        switch (_mode)
        {
            case Mode.Events:
                var tail = _splitter!.TakeRemainder();
                // An unterminated last event is passed on only when the upstream ended on its own;
                // half an event after a reset would only confuse the client's parser.
                if (!tail.IsEmpty && upstreamEndedCleanly && Observe(tail.Span, out _))
                    _held.Write(Outgoing(tail.Span));
                _splitter.Dispose(); // returns its pooled buffer
                break;
            case Mode.Body:
                ReadBody();
                if (_translation is not null)
                    TranslateBody();
                break;
            case Mode.Error:
                feature.Forwarded.UpstreamErrorText = UpstreamErrorText.Describe(Decoded(_captured!.WrittenSpan, MaxCapturedError), _body.MediaType, _body.Secret);
                // The upstream's error in the client's shape: its status, and its message (masked, bounded).
                if (_translation is not null)
                    _held.Write(_translation.TranslateError(feature.Forwarded.UpstreamStatus ?? 502, feature.Forwarded.UpstreamErrorText));
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

    /// <returns>Whether the event goes on to the client (translated, when the call is: see <see cref="Outgoing"/>).</returns>
    private bool Observe(ReadOnlySpan<byte> rawEvent, out bool terminal)
    {
        terminal = false;
        if (!SseEvent.TryParse(rawEvent, out var eventName, out var data) || feature.Forwarded.UsageReader is not { } reader)
        {
            // A comment (a keep-alive) is SSE in every format: it passes, translated or not.
            _translation?.PassThrough(rawEvent);
            return true;
        }
        var kind = reader.OnEvent(eventName, data);
        terminal = reader.SawTerminal;
        if (_translation is not null)
        {
            // Every event goes to the translator (usage chunks included: the client's events carry it), and
            // the first token is when the client's events first carry content.
            if (_translation.TranslateEvent(eventName, data))
                feature.Forwarded.MarkContent(clock);
            return true;
        }
        if (kind == SseEventKind.Content)
            feature.Forwarded.MarkContent(clock);
        return kind != SseEventKind.UsageOnly || feature.Admitted.ClientAskedForUsage;
    }

    /// <summary>What the client is sent for an observed event: the event itself, or its translation.</summary>
    private ReadOnlySpan<byte> Outgoing(ReadOnlySpan<byte> rawEvent) => _translation is null ? rawEvent : _translation.Output;

    /// <summary>The whole answer in the client's format, held for the commit like any body's end; or a 502 when it cannot be.</summary>
    private void TranslateBody()
    {
        var json = _captured is null ? default : Decoded(_captured.WrittenSpan, MaxCapturedBody);
        if (!json.IsEmpty && _translation!.TranslateBody(json) is { } translated)
            _held.Write(translated);
        else
            feature.Refusal ??= ResponseTranslation.Untranslatable;
    }

    /// <summary>The body's usage, and whether it was the JSON the route answers with.</summary>
    private void ReadBody()
    {
        ReadOnlySpan<byte> json;
        if (feature.Forwarded.UsageReader is not { } reader)
            return;
        if (_captured is not null)
            json = Decoded(_captured.WrittenSpan, MaxCapturedBody);
        else if (UsageTail.TryExtract(Decoded(_tail.AsSpan(0, _tailLength), MaxCapturedBody)) is { } usage)
            json = usage; // too large to keep whole: the usage its tail holds
        else
            return;
        reader.OnBody(json);
        // A body the reader took a usage from was whole JSON; only one without is checked in a second pass.
        feature.Forwarded.BodyShape = reader.Usage is not null ? BodyShape.Json : UpstreamBodyShape.Of(json);
        // A transcript asked for as text, SRT or VTT is the answer, not a proxy's error page.
        if (feature.Forwarded.BodyShape == BodyShape.NotJson && feature.Route.Kind == EndpointKind.AudioInput
            && _body.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == false)
            feature.Forwarded.BodyShape = BodyShape.Unknown;
        if (feature.Forwarded.BodyShape == BodyShape.NotJson)
            feature.Forwarded.UpstreamErrorText = UpstreamErrorText.Describe(json[..Math.Min(json.Length, MaxCapturedError)], _body.MediaType, _body.Secret);
    }

    /// <summary>The body as the meter reads it: decoded when the upstream compressed it anyway.</summary>
    private ReadOnlySpan<byte> Decoded(ReadOnlySpan<byte> body, int maxBytes) =>
        BodyDecoding.IsEncoded(_body.ContentEncoding) ? BodyDecoding.TryDecode(_body.ContentEncoding!, body, maxBytes) ?? [] : body;

    private void Capture(ReadOnlySpan<byte> bytes)
    {
        if (_captureOverflow)
        {
            if (_tail is not null)
                KeepTail(bytes);
            return;
        }
        if (_captured is null)
            return;
        var room = (_mode == Mode.Error ? MaxCapturedError : MaxCapturedBody) - _captured.WrittenCount;
        if (bytes.Length <= room)
        {
            _captured.Write(bytes);
            return;
        }
        _captureOverflow = true;
        if (_mode == Mode.Error)
        {
            _captured.Write(bytes[..room]); // the head of an error text is what explains it
            return;
        }
        // Too large to keep whole: keep only its tail, where the usage is; memory stays flat.
        _tail = new byte[UsageTail.TailBytes];
        KeepTail(_captured.WrittenSpan);
        _captured = null;
        KeepTail(bytes);
    }

    private void KeepTail(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= _tail!.Length)
        {
            bytes[^_tail.Length..].CopyTo(_tail);
            _tailLength = _tail.Length;
            return;
        }
        var keep = Math.Min(_tailLength, _tail.Length - bytes.Length);
        _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
        bytes.CopyTo(_tail.AsSpan(keep));
        _tailLength = keep + bytes.Length;
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
