using System.Buffers;

namespace Gateway.Translation;

/// <summary>
/// Translates a stream incrementally: each upstream SSE event in, zero or more client SSE events out,
/// at once (nothing is held for later events beyond the little state a format needs, such as which tool
/// call is open). Not thread-safe; one per response.
/// </summary>
internal interface IStreamTranslator
{
    /// <param name="eventName">The upstream event's <c>event</c> field (empty when absent).</param>
    /// <param name="data">The event's data: JSON, or OpenAI's <c>[DONE]</c>.</param>
    /// <param name="output">Receives the client's events, whole, in SSE framing.</param>
    /// <returns>Whether what was written carries generated content: the client's first token, for time to first token.</returns>
    bool OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output);
}
