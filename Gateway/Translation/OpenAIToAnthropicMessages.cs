using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// OpenAI's <c>messages</c> as Anthropic's <c>system</c> and <c>messages</c>. Anthropic has one system
/// prompt, so every <c>system</c>/<c>developer</c> message joins it, in order. Tool results are user turns
/// of <c>tool_result</c> blocks there, and Anthropic wants roles to alternate, so consecutive messages of
/// one role (several tool results, then the user's next words) merge into one turn, in order.
/// </summary>
internal static class OpenAIToAnthropicMessages
{
    public static (JsonArray System, JsonArray Messages) Translate(JsonArray messages)
    {
        var system = new JsonArray();
        var result = new JsonArray();
        foreach (var node in messages)
        {
            var message = Json.Object(node, "messages[]");
            if (message["name"] is not null)
                throw UntranslatableException.ToAnthropic("messages[].name");
            var role = Json.RequiredString(message["role"], "messages[].role");
            switch (role)
            {
                case "system" or "developer":
                    foreach (var text in TextParts(message["content"], role))
                        system.Add(TextBlock(text));
                    break;
                case "user":
                    Append(result, "user", UserBlocks(message["content"]));
                    break;
                case "assistant":
                    Append(result, "assistant", AssistantBlocks(message));
                    break;
                case "tool":
                    Append(result, "user", [ToolResult(message)]);
                    break;
                default:
                    throw UntranslatableException.ToAnthropic($"messages of role '{role}'");
            }
        }
        return (system, result);
    }

    private static void Append(JsonArray messages, string role, List<JsonNode> blocks)
    {
        if (messages.Count > 0 && messages[^1] is JsonObject last && Json.String(last["role"]) == role)
        {
            var content = (JsonArray)last["content"]!;
            foreach (var block in blocks)
                content.Add(block);
            return;
        }
        messages.Add(new JsonObject { ["role"] = role, ["content"] = new JsonArray([.. blocks]) });
    }

    private static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };

    /// <summary>Text of a string or an array of text parts. Anthropic refuses empty text blocks, so none are made.</summary>
    private static IEnumerable<string> TextParts(JsonNode? content, string role)
    {
        if (content is null)
            yield break;
        if (content.GetValueKind() == JsonValueKind.String)
        {
            if (Json.String(content) is { Length: > 0 } text)
                yield return text;
            yield break;
        }
        foreach (var part in Json.Array(content, "messages[].content"))
        {
            var type = Json.String(part?["type"]);
            var text = type switch
            {
                "text" => Json.RequiredString(part!["text"], "content[].text"),
                "refusal" when role == "assistant" => Json.RequiredString(part!["refusal"], "content[].refusal"),
                _ => throw UntranslatableException.ToAnthropic($"{role} content parts of type '{type}'"),
            };
            if (text.Length > 0)
                yield return text;
        }
    }

    private static List<JsonNode> UserBlocks(JsonNode? content)
    {
        if (content is null || content.GetValueKind() == JsonValueKind.String)
            return [.. TextParts(content, "user").Select(TextBlock)];
        var blocks = new List<JsonNode>();
        foreach (var part in Json.Array(content, "messages[].content"))
        {
            var type = Json.String(part?["type"]);
            switch (type)
            {
                case "text":
                    if (Json.RequiredString(part!["text"], "content[].text") is { Length: > 0 } text)
                        blocks.Add(TextBlock(text));
                    break;
                case "image_url":
                    // image_url.detail is a resolution hint with no Anthropic counterpart; Anthropic sizes images itself.
                    var url = Json.RequiredString(part!["image_url"]?["url"], "content[].image_url.url");
                    blocks.Add(new JsonObject { ["type"] = "image", ["source"] = ImageSources.FromUrl(url) });
                    break;
                case "file":
                    blocks.Add(Document(Json.Object(part!["file"], "content[].file")));
                    break;
                default:
                    throw UntranslatableException.ToAnthropic($"user content parts of type '{type}'");
            }
        }
        return blocks;
    }

    /// <summary>An inline PDF (<c>file.file_data</c>, a data URL) is an Anthropic <c>document</c>; an uploaded <c>file_id</c> lives only at OpenAI.</summary>
    private static JsonObject Document(JsonObject file)
    {
        if (file["file_id"] is not null || Json.String(file["file_data"]) is not { } data)
            throw UntranslatableException.ToAnthropic("file content parts by file_id");
        return new JsonObject { ["type"] = "document", ["source"] = ImageSources.FromUrl(data) };
    }

    private static List<JsonNode> AssistantBlocks(JsonObject message)
    {
        if (message["function_call"] is not null)
            throw UntranslatableException.ToAnthropic("messages[].function_call (use tool_calls)");
        if (message["audio"] is not null)
            throw UntranslatableException.ToAnthropic("messages[].audio");
        List<JsonNode> blocks = [.. TextParts(message["content"], "assistant").Select(TextBlock)];
        if (message["tool_calls"] is { } calls)
        {
            foreach (var call in Json.Array(calls, "messages[].tool_calls"))
            {
                var function = Json.Object(call?["function"], "tool_calls[].function");
                blocks.Add(new JsonObject
                {
                    ["type"] = "tool_use",
                    ["id"] = Json.RequiredString(call!["id"], "tool_calls[].id"),
                    ["name"] = Json.RequiredString(function["name"], "tool_calls[].function.name"),
                    ["input"] = Json.ArgumentsObject(Json.String(function["arguments"])),
                });
            }
        }
        return blocks;
    }

    private static JsonObject ToolResult(JsonObject message)
    {
        var content = message["content"];
        return new JsonObject
        {
            ["type"] = "tool_result",
            ["tool_use_id"] = Json.RequiredString(message["tool_call_id"], "messages[].tool_call_id"),
            ["content"] = content is not null && content.GetValueKind() == JsonValueKind.String
                ? Json.Copy(content)
                : new JsonArray([.. TextParts(content, "tool").Select(TextBlock)]),
        };
    }
}
