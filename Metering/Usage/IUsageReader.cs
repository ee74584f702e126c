namespace Metering.Usage;

/// <summary>
/// Takes the token usage an upstream reports, from its streamed events or its JSON body, in one wire
/// format. Pure and incremental; never throws on what the upstream sends: an event or body that is not
/// well-formed JSON counts as <see cref="SseEventKind.Other"/> and yields neither usage nor text. Not
/// thread-safe.
/// </summary>
/// <remarks>
/// A stream cut short keeps whatever usage arrived: nothing for OpenAI (usage comes last), the
/// <c>message_start</c> input side and a placeholder output count for Anthropic. The caller, who knows the
/// stream was cut, should take the output tokens from the text sink's count then.
/// </remarks>
public interface IUsageReader
{
    /// <summary>The upstream's own report, normalised: the last one seen, never a sum; null until one arrives.</summary>
    TokenUsage? Usage { get; }

    /// <summary>
    /// Whether the stream's terminal event has arrived: <c>[DONE]</c> (chat, completions), <c>message_stop</c>
    /// (Anthropic), or <c>response.completed</c>, <c>response.failed</c> or <c>response.incomplete</c>
    /// (Responses; the last two also set <see cref="StreamError"/>). Streams only: false after a body.
    /// </summary>
    bool SawTerminal { get; }

    /// <summary>
    /// The error an upstream reported inside a stream, as <c>"type: message"</c> (at most
    /// <see cref="UpstreamError.MaxChars"/> characters); null when none. Usage reported before it still stands.
    /// Anthropic <c>event: error</c>; an OpenAI chunk holding an <c>error</c> object; Responses <c>error</c>,
    /// <c>response.failed</c> (its <c>response.error</c>) and <c>response.incomplete</c> (its reason).
    /// </summary>
    string? StreamError { get; }

    /// <summary>Reads one dispatched SSE event (see <see cref="SseEvent.TryParse"/>) and says what it was.</summary>
    SseEventKind OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data);

    /// <summary>Reads a whole non-streamed JSON response body.</summary>
    void OnBody(ReadOnlySpan<byte> json);
}
