using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// OpenAI chunks as Gemini <c>alt=sse</c> chunks: each text delta at once as a chunk with one text part.
/// Gemini sends a function call whole, so a tool call's argument pieces are gathered (that call only; text
/// still streams) and the calls leave together with the <c>finishReason</c>. OpenAI's usage comes in a chunk
/// after its finish reason, and Gemini's last chunk carries both: the last chunk leaves with the usage
/// chunk, or with <c>[DONE]</c> when there is none. Gemini's stream has no terminator of its own.
/// </summary>
internal sealed class OpenAIToGeminiStream : IStreamTranslator
{
    private JsonObject? _first;
    private readonly List<(string? Name, StringBuilder Arguments)> _calls = [];
    private string? _finishReason;
    private bool _ended;

    public bool OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (_ended)
            return false;
        if (data.SequenceEqual("[DONE]"u8))
        {
            return _finishReason is not null && End(output, null);
        }
        if (JsonNode.Parse(data) is not JsonObject chunk)
            return false;
        _first ??= chunk;
        if (chunk["usage"] is JsonObject usage && _finishReason is not null)
            return End(output, usage);
        var choice = chunk["choices"] is JsonArray { Count: > 0 } choices ? choices[0] : null;
        var content = false;
        if ((Json.String(choice?["delta"]?["content"]) ?? Json.String(choice?["delta"]?["refusal"])) is { Length: > 0 } text)
        {
            SseWriter.Write(output, null, OpenAIToGeminiResponse.Response(chunk, new JsonArray(new JsonObject { ["text"] = text }), null, null));
            content = true;
        }
        foreach (var call in choice?["delta"]?["tool_calls"] as JsonArray ?? [])
        {
            var index = (int?)call?["index"] ?? 0;
            while (_calls.Count <= index)
                _calls.Add((null, new StringBuilder()));
            if (Json.String(call?["function"]?["name"]) is { } name)
                _calls[index] = (name, _calls[index].Arguments);
            _calls[index].Arguments.Append(Json.String(call?["function"]?["arguments"]));
        }
        if (Json.String(choice?["finish_reason"]) is { } finish)
            _finishReason = GeminiParts.ToGeminiFinish(finish);
        return content;
    }

    /// <returns>Whether the last chunk carries content: the gathered function calls.</returns>
    private bool End(IBufferWriter<byte> output, JsonObject? usage)
    {
        _ended = true;
        var parts = new JsonArray();
        foreach (var (name, arguments) in _calls)
            parts.Add(OpenAIToGeminiResponse.FunctionCall(name, arguments.ToString()));
        SseWriter.Write(output, null, OpenAIToGeminiResponse.Response(_first!, parts, _finishReason, usage));
        return parts.Count > 0;
    }
}
