using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// Anthropic's <c>messages</c> as OpenAI's. A user turn's <c>tool_result</c> blocks become <c>tool</c>
/// messages, placed before what else the turn says (Anthropic puts tool results first, and OpenAI wants
/// them right after the assistant's calls). An assistant's <c>tool_use</c> blocks become its
/// <c>tool_calls</c>; its earlier <c>thinking</c> blocks are left out, as OpenAI has no place for them.
/// </summary>
internal static class AnthropicToOpenAIMessages
{
    public static IEnumerable<JsonObject> Translate(JsonArray messages)
    {
        foreach (var node in messages)
        {
            var message = Json.Object(node, "messages[]");
            var role = Json.RequiredString(message["role"], "messages[].role");
            var content = message["content"];
            IEnumerable<JsonObject> translated = role switch
            {
                "user" => User(content),
                "assistant" => [Assistant(content)],
                _ => throw UntranslatableException.ToOpenAI($"messages of role '{role}'"),
            };
            foreach (var result in translated)
                yield return result;
        }
    }

    private static IEnumerable<JsonNode> Blocks(JsonNode? content) =>
        content is not null && content.GetValueKind() == JsonValueKind.String
            ? [new JsonObject { ["type"] = "text", ["text"] = Json.Copy(content) }]
            : Json.Array(content, "messages[].content").Select(b => b!);

    private static List<JsonObject> User(JsonNode? content)
    {
        var messages = new List<JsonObject>();
        var parts = new JsonArray();
        foreach (var block in Blocks(content))
        {
            var type = Json.String(block["type"]);
            switch (type)
            {
                case "text":
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = Json.RequiredString(block["text"], "content[].text") });
                    break;
                case "image":
                    parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = ImageSources.ToUrl(block["source"]) } });
                    break;
                case "document" when Json.String(block["source"]?["type"]) == "base64":
                    parts.Add(new JsonObject { ["type"] = "file", ["file"] = new JsonObject { ["file_data"] = ImageSources.ToUrl(block["source"]) } });
                    break;
                case "tool_result":
                    messages.Add(ToolResult(block));
                    break;
                default:
                    throw UntranslatableException.ToOpenAI(type == "document" ? "documents that are not inline base64" : $"user content blocks of type '{type}'");
            }
        }
        if (parts.Count > 0)
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = parts });
        return messages;
    }

    /// <summary>
    /// OpenAI's tool message holds text only. Its <c>is_error</c> has no OpenAI field: the error text itself
    /// tells the model (a limit the README lists).
    /// </summary>
    private static JsonObject ToolResult(JsonNode block)
    {
        var content = block["content"];
        JsonNode text;
        if (content is null)
            text = "";
        else if (content.GetValueKind() == JsonValueKind.String)
            text = Json.Copy(content)!;
        else
        {
            var parts = new JsonArray();
            foreach (var part in Json.Array(content, "tool_result.content"))
            {
                if (Json.String(part?["type"]) != "text")
                    throw UntranslatableException.ToOpenAI($"tool_result content of type '{Json.String(part?["type"])}'");
                parts.Add(new JsonObject { ["type"] = "text", ["text"] = Json.RequiredString(part!["text"], "tool_result.content[].text") });
            }
            text = parts;
        }
        return new JsonObject
        {
            ["role"] = "tool",
            ["tool_call_id"] = Json.RequiredString(block["tool_use_id"], "tool_result.tool_use_id"),
            ["content"] = text,
        };
    }

    private static JsonObject Assistant(JsonNode? content)
    {
        var text = new System.Text.StringBuilder();
        var calls = new JsonArray();
        foreach (var block in Blocks(content))
        {
            var type = Json.String(block["type"]);
            switch (type)
            {
                case "text":
                    text.Append(Json.RequiredString(block["text"], "content[].text"));
                    break;
                case "tool_use":
                    calls.Add(new JsonObject
                    {
                        ["id"] = Json.RequiredString(block["id"], "tool_use.id"),
                        ["type"] = "function",
                        ["function"] = new JsonObject
                        {
                            ["name"] = Json.RequiredString(block["name"], "tool_use.name"),
                            ["arguments"] = (block["input"] ?? new JsonObject()).ToJsonString(),
                        },
                    });
                    break;
                case "thinking" or "redacted_thinking":
                    break;
                default:
                    throw UntranslatableException.ToOpenAI($"assistant content blocks of type '{type}'");
            }
        }
        var message = new JsonObject { ["role"] = "assistant", ["content"] = text.Length > 0 || calls.Count == 0 ? text.ToString() : null };
        if (calls.Count > 0)
            message["tool_calls"] = calls;
        return message;
    }
}
