namespace Metering.Usage;

/// <summary>
/// Takes the token usage an upstream reports, from its streamed events or its JSON body, in one wire
/// format. Pure and incremental; never throws on what the upstream sends. Not thread-safe.
/// </summary>
public interface IUsageReader
{
    /// <summary>The upstream's own report, normalised: the last one seen, never a sum; null until one arrives.</summary>
    TokenUsage? Usage { get; }

    /// <summary>Reads one dispatched SSE event (see <see cref="SseEvent.TryParse"/>) and says what it was.</summary>
    SseEventKind OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data);

    /// <summary>Reads a whole non-streamed JSON response body.</summary>
    void OnBody(ReadOnlySpan<byte> json);
}
