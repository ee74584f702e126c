using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// A Gemini <c>GenerateContentResponse</c> as an OpenAI <c>chat.completion</c>: the first candidate's text
/// parts joined (thought summaries, <c>"thought": true</c>, left out), its <c>functionCall</c> parts as
/// <c>tool_calls</c>, the finish reason and <c>usageMetadata</c> mapped.
/// </summary>
internal static class GeminiToOpenAIResponse
{
    public static JsonObject Translate(JsonObject response, long createdUnixSeconds)
    {
        var candidate = response["candidates"] is JsonArray { Count: > 0 } candidates ? candidates[0] : null;
        var text = new StringBuilder();
        var calls = new JsonArray();
        foreach (var part in candidate?["content"]?["parts"] as JsonArray ?? [])
        {
            if (GeminiParts.Field(part, "functionCall", "function_call") is { } call)
                calls.Add(ToolCall(part, call, Json.String(response["responseId"]), calls.Count));
            else if (!Json.IsTrue(part?["thought"]) && Json.String(part?["text"]) is { } piece)
                text.Append(piece);
        }
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = text.Length > 0 || calls.Count == 0 ? text.ToString() : null,
            ["refusal"] = null,
        };
        if (calls.Count > 0)
            message["tool_calls"] = calls;
        // No candidate at all: the prompt itself was blocked (promptFeedback.blockReason).
        var finish = candidate is null
            ? "content_filter"
            : GeminiParts.ToOpenAIFinish(Json.String(GeminiParts.Field(candidate, "finishReason", "finish_reason")), calls.Count > 0) ?? "stop";
        return new JsonObject
        {
            ["id"] = Json.String(response["responseId"]),
            ["object"] = "chat.completion",
            ["created"] = createdUnixSeconds,
            ["model"] = Json.String(response["modelVersion"]),
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finish }),
            ["usage"] = UsageTranslation.GeminiToOpenAI(GeminiParts.Field(response, "usageMetadata", "usage_metadata")),
        };
    }

    /// <summary>Gemini sends a call whole, its <c>args</c> an object; OpenAI's arguments are that object's JSON text.</summary>
    /// <param name="part">The part holding the call, whose <c>thoughtSignature</c> rides in the id (<see cref="GeminiCallIds"/>).</param>
    public static JsonObject ToolCall(JsonNode? part, JsonNode call, string? responseId, int index) => new()
    {
        ["id"] = GeminiCallIds.For(part, call, responseId, index),
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = Json.String(call["name"]),
            ["arguments"] = (call["args"] ?? new JsonObject()).ToJsonString(),
        },
    };
}
