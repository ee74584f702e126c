using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// OpenAI's <c>messages</c> as Gemini's <c>systemInstruction</c> parts and <c>contents</c> (roles
/// <c>user</c> and <c>model</c>). A tool message becomes a <c>functionResponse</c>, which names the
/// function rather than the call: the name is looked up from the assistant's earlier <c>tool_calls</c>.
/// Consecutive turns of one role merge, so the responses to parallel calls form one turn, as Gemini wants.
/// </summary>
internal static class OpenAIToGeminiContents
{
    public static (JsonArray System, JsonArray Contents) Translate(JsonArray messages)
    {
        var system = new JsonArray();
        var contents = new JsonArray();
        var functionByCallId = new Dictionary<string, string>();
        foreach (var node in messages)
        {
            var message = Json.Object(node, "messages[]");
            if (message["name"] is not null)
                throw UntranslatableException.ToGemini("messages[].name");
            var role = Json.RequiredString(message["role"], "messages[].role");
            switch (role)
            {
                case "system" or "developer":
                    foreach (var part in Parts(message["content"], role))
                        system.Add(part);
                    break;
                case "user":
                    Append(contents, "user", Parts(message["content"], role));
                    break;
                case "assistant":
                    Append(contents, "model", ModelParts(message, functionByCallId));
                    break;
                case "tool":
                    Append(contents, "user", [FunctionResponse(message, functionByCallId)]);
                    break;
                default:
                    throw UntranslatableException.ToGemini($"messages of role '{role}'");
            }
        }
        return (system, contents);
    }

    private static void Append(JsonArray contents, string role, List<JsonNode> parts)
    {
        if (contents.Count > 0 && contents[^1] is JsonObject last && Json.String(last["role"]) == role)
        {
            foreach (var part in parts)
                ((JsonArray)last["parts"]!).Add(part);
            return;
        }
        contents.Add(new JsonObject { ["role"] = role, ["parts"] = new JsonArray([.. parts]) });
    }

    private static List<JsonNode> Parts(JsonNode? content, string role)
    {
        if (content is null)
            return [];
        if (content.GetValueKind() == JsonValueKind.String)
            return [new JsonObject { ["text"] = Json.Copy(content) }];
        var parts = new List<JsonNode>();
        foreach (var part in Json.Array(content, "messages[].content"))
        {
            var type = Json.String(part?["type"]);
            parts.Add(type switch
            {
                "text" => new JsonObject { ["text"] = Json.RequiredString(part!["text"], "content[].text") },
                "refusal" when role == "assistant" => new JsonObject { ["text"] = Json.RequiredString(part!["refusal"], "content[].refusal") },
                "image_url" when role == "user" => Inline(Json.RequiredString(part!["image_url"]?["url"], "content[].image_url.url")),
                "file" when role == "user" && Json.String(part!["file"]?["file_data"]) is { } data => Inline(data),
                "input_audio" when role == "user" => new JsonObject
                {
                    ["inlineData"] = new JsonObject
                    {
                        ["mimeType"] = $"audio/{Json.RequiredString(part!["input_audio"]?["format"], "input_audio.format")}",
                        ["data"] = Json.RequiredString(part["input_audio"]?["data"], "input_audio.data"),
                    },
                },
                _ => throw UntranslatableException.ToGemini($"{role} content parts of type '{type}'{(type == "file" ? " by file_id" : "")}"),
            });
        }
        return parts;
    }

    /// <summary>Gemini takes media inline (a remote file must first be uploaded to its Files API), so only a data: URL translates.</summary>
    private static JsonObject Inline(string url)
    {
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            throw UntranslatableException.ToGemini("image_url with a remote URL (Gemini takes images inline, as data: URLs)");
        var source = ImageSources.FromUrl(url);
        return new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = Json.Copy(source["media_type"]), ["data"] = Json.Copy(source["data"]) } };
    }

    private static List<JsonNode> ModelParts(JsonObject message, Dictionary<string, string> functionByCallId)
    {
        if (message["function_call"] is not null || message["audio"] is not null)
            throw UntranslatableException.ToGemini(message["audio"] is not null ? "messages[].audio" : "messages[].function_call (use tool_calls)");
        var parts = Parts(message["content"], "assistant").Where(p => Json.String(p["text"]) is not "").ToList();
        foreach (var call in message["tool_calls"] is { } calls ? Json.Array(calls, "messages[].tool_calls") : [])
        {
            var name = Json.RequiredString(call?["function"]?["name"], "tool_calls[].function.name");
            var id = Json.RequiredString(call!["id"], "tool_calls[].id");
            functionByCallId[id] = name;
            var part = OpenAIToGeminiResponse.FunctionCall(name, Json.String(call["function"]!["arguments"]));
            // A call Gemini signed goes back with its signature, which rode in the id (GeminiCallIds).
            if (GeminiCallIds.Signature(id) is { } signature)
                part["thoughtSignature"] = signature;
            parts.Add(part);
        }
        return parts;
    }

    /// <summary>Gemini's response is an object: a JSON object result is passed as it is, any other text as <c>{"output": text}</c>, the key Google documents.</summary>
    private static JsonObject FunctionResponse(JsonObject message, Dictionary<string, string> functionByCallId)
    {
        var id = Json.RequiredString(message["tool_call_id"], "messages[].tool_call_id");
        if (!functionByCallId.TryGetValue(id, out var name))
            throw new InvalidOperationException($"The tool message's tool_call_id '{id}' answers no earlier tool call.");
        var text = string.Concat(Parts(message["content"], "tool").Select(p => Json.String(p["text"])));
        JsonNode? parsed = null;
        try
        {
            parsed = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
        }
        return new JsonObject
        {
            ["functionResponse"] = new JsonObject
            {
                ["name"] = name,
                ["response"] = parsed as JsonObject ?? new JsonObject { ["output"] = text },
            },
        };
    }
}
