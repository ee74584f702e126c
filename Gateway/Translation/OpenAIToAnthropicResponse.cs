using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// An OpenAI <c>chat.completion</c> as an Anthropic message: the first choice (a translated request
/// never asks for more) as a text block and <c>tool_use</c> blocks, the finish reason and usage mapped.
/// A refusal is text with stop reason <c>refusal</c>, as Anthropic reports one.
/// </summary>
internal static class OpenAIToAnthropicResponse
{
    public static JsonObject Translate(JsonObject completion)
    {
        var choices = Json.Array(completion["choices"], "choices");
        var choice = choices.Count > 0 ? choices[0] : null;
        var message = choice?["message"];
        var content = new JsonArray();
        var text = Json.String(message?["content"]);
        var refusal = Json.String(message?["refusal"]);
        if (!string.IsNullOrEmpty(text ?? refusal))
            content.Add(new JsonObject { ["type"] = "text", ["text"] = text ?? refusal });
        if (message?["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls)
                content.Add(ToolUse(call!));
        }
        return new JsonObject
        {
            ["id"] = Json.String(completion["id"]),
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = Json.String(completion["model"]),
            ["content"] = content,
            ["stop_reason"] = refusal is not null && text is null ? "refusal" : StopReasons.OpenAIToAnthropic(Json.String(choice?["finish_reason"])),
            ["stop_sequence"] = null,
            ["usage"] = UsageTranslation.ToAnthropic(UsageTranslation.FromOpenAI(completion["usage"])),
        };
    }

    /// <summary>Anthropic marks a tool call the model made itself (not one made from its code execution) as direct.</summary>
    public static JsonObject DirectCaller() => new() { ["type"] = "direct" };

    private static JsonObject ToolUse(JsonNode call) => new()
    {
        ["type"] = "tool_use",
        ["id"] = Json.String(call["id"]),
        ["name"] = Json.String(call["function"]?["name"]),
        ["input"] = Json.ArgumentsObject(Json.String(call["function"]?["arguments"])),
        ["caller"] = DirectCaller(),
    };
}
