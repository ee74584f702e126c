using System.Buffers;
using Gateway.Translation;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// Stage 4, for a translated call: the observer hands each upstream event (or the whole JSON body) here
/// and sends the client what comes out, in the client's wire format. The usage reader still reads the
/// upstream's own events, so the row holds the provider's token counts.
/// </summary>
/// <param name="client">The client's dialect: the shape its errors take.</param>
internal sealed class ResponseTranslation(ChatTranslation translation, ClientDialect client, bool clientAskedForUsage, long createdUnixSeconds)
{
    /// <summary>An answer that is not what the upstream's format promises cannot be translated: a 502, nothing charged.</summary>
    public static readonly Refusal Untranslatable = new(502, "upstream_error",
        "The upstream's answer could not be translated to this API's format; nothing was charged.");

    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private IStreamTranslator? _stream;

    /// <summary>The client's events for the last upstream event (possibly none).</summary>
    public ReadOnlySpan<byte> Output => _output.WrittenSpan;

    /// <returns>Whether the client's events carry content: the client's first token, for time to first token.</returns>
    public bool TranslateEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        _output.Clear();
        _stream ??= translation.NewStream(clientAskedForUsage, createdUnixSeconds);
        return _stream.OnEvent(eventName, data, _output);
    }

    /// <summary>An event that needs no translation (an SSE comment) becomes the output as it is.</summary>
    public void PassThrough(ReadOnlySpan<byte> rawEvent)
    {
        _output.Clear();
        _output.Write(rawEvent);
    }

    /// <summary>An upstream error as the client's SDK parses one; the status stays the upstream's.</summary>
    public byte[] TranslateError(int status, string message) =>
        WireErrors.Body(client, status, "upstream_error", $"The upstream answered {status}: {message}");

    /// <returns>The client's JSON body, or null when it cannot be translated.</returns>
    public byte[]? TranslateBody(ReadOnlySpan<byte> json) => translation.TranslateResponse(json, createdUnixSeconds);
}
