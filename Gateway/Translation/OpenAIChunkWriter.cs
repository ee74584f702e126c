using System.Buffers;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// Writes OpenAI <c>chat.completion.chunk</c> events for a translated stream: every chunk carries the
/// answer's id, creation time and model, one choice (index 0) with its delta, or no choice and the usage.
/// </summary>
internal sealed class OpenAIChunkWriter(long createdUnixSeconds)
{
    /// <summary>The upstream answer's id and model, once it has told them.</summary>
    public string? Id { get; set; }
    public string? Model { get; set; }

    public void Delta(IBufferWriter<byte> output, JsonObject delta, string? finishReason = null) =>
        SseWriter.Write(output, null, Envelope(new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        })));

    /// <summary>The usage chunk <c>stream_options.include_usage</c> asks for: no choices, the usage.</summary>
    public void Usage(IBufferWriter<byte> output, JsonObject usage)
    {
        var chunk = Envelope([]);
        chunk["usage"] = usage;
        SseWriter.Write(output, null, chunk);
    }

    public static void Done(IBufferWriter<byte> output) => SseWriter.WriteDone(output);

    private JsonObject Envelope(JsonArray choices) => new()
    {
        ["id"] = Id,
        ["object"] = "chat.completion.chunk",
        ["created"] = createdUnixSeconds,
        ["model"] = Model,
        ["choices"] = choices,
    };
}
