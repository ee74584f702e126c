using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// An Anthropic message as an OpenAI <c>chat.completion</c>: text blocks joined into <c>content</c>,
/// <c>tool_use</c> blocks as <c>tool_calls</c> (their <c>input</c> as JSON text), the stop reason and the
/// usage mapped. Thinking blocks have no OpenAI field and stay out.
/// </summary>
internal static class AnthropicToOpenAIResponse
{
    public static JsonObject Translate(JsonObject message, long createdUnixSeconds)
    {
        var text = new StringBuilder();
        var calls = new JsonArray();
        foreach (var block in Json.Array(message["content"], "content"))
        {
            switch (Json.String(block?["type"]))
            {
                case "text":
                    text.Append(Json.String(block!["text"]));
                    break;
                case "tool_use":
                    calls.Add(ToolCall(block!));
                    break;
            }
        }
        var reply = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = text.Length > 0 || calls.Count == 0 ? text.ToString() : null,
            ["refusal"] = null,
        };
        if (calls.Count > 0)
            reply["tool_calls"] = calls;
        return new JsonObject
        {
            ["id"] = Json.String(message["id"]),
            ["object"] = "chat.completion",
            ["created"] = createdUnixSeconds,
            ["model"] = Json.String(message["model"]),
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = reply,
                ["logprobs"] = null,
                ["finish_reason"] = StopReasons.AnthropicToOpenAI(Json.String(message["stop_reason"])) ?? "stop",
            }),
            ["usage"] = UsageTranslation.ToOpenAI(UsageTranslation.FromAnthropic(message["usage"])),
        };
    }

    private static JsonObject ToolCall(JsonNode block) => new()
    {
        ["id"] = Json.String(block["id"]),
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = Json.String(block["name"]),
            ["arguments"] = (block["input"] ?? new JsonObject()).ToJsonString(),
        },
    };
}
