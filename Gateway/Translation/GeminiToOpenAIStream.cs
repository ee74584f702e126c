using System.Buffers;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// Gemini's <c>streamGenerateContent?alt=sse</c> chunks (each a partial <c>GenerateContentResponse</c>) as
/// OpenAI chunks, one by one: the first → the role chunk; text parts → content; a <c>functionCall</c>
/// (Gemini sends each whole) → one tool-call delta with id, name and all its arguments. Gemini has no
/// terminal event: the chunk with the <c>finishReason</c> also holds the final <c>usageMetadata</c>, so it
/// brings the finish chunk, the usage chunk (when the client asked) and <c>[DONE]</c>.
/// </summary>
internal sealed class GeminiToOpenAIStream(bool clientAskedForUsage, long createdUnixSeconds) : IStreamTranslator
{
    private bool _started;
    private int _calls;
    private readonly OpenAIChunkWriter _chunks = new(createdUnixSeconds);

    public bool OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (JsonNode.Parse(data) is not JsonObject response)
            return false;
        _chunks.Id ??= Json.String(response["responseId"]);
        _chunks.Model ??= Json.String(response["modelVersion"]);
        if (!_started)
        {
            _started = true;
            _chunks.Delta(output, new JsonObject { ["role"] = "assistant", ["content"] = "" });
        }
        var candidate = response["candidates"] is JsonArray { Count: > 0 } candidates ? candidates[0] : null;
        var content = false;
        foreach (var part in candidate?["content"]?["parts"] as JsonArray ?? [])
        {
            if (GeminiParts.Field(part, "functionCall", "function_call") is { } call)
            {
                var toolCall = GeminiToOpenAIResponse.ToolCall(part, call, _chunks.Id, _calls);
                toolCall["index"] = _calls++;
                _chunks.Delta(output, new JsonObject { ["tool_calls"] = new JsonArray(toolCall) });
                content = true;
            }
            else if (!Json.IsTrue(part?["thought"]) && Json.String(part?["text"]) is { Length: > 0 } text)
            {
                _chunks.Delta(output, new JsonObject { ["content"] = text });
                content = true;
            }
        }
        var reason = Json.String(GeminiParts.Field(candidate, "finishReason", "finish_reason"));
        var finish = candidate is null && response["promptFeedback"] is not null ? "content_filter" : GeminiParts.ToOpenAIFinish(reason, _calls > 0);
        if (finish is not null)
        {
            _chunks.Delta(output, [], finish);
            if (clientAskedForUsage)
                _chunks.Usage(output, UsageTranslation.GeminiToOpenAI(GeminiParts.Field(response, "usageMetadata", "usage_metadata")));
            OpenAIChunkWriter.Done(output);
        }
        return content;
    }
}
