using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// Gemini's <c>contents</c> as OpenAI's <c>messages</c>. A <c>model</c> turn's <c>functionCall</c> parts
/// become its <c>tool_calls</c>; a user turn's <c>functionResponse</c> parts become <c>tool</c> messages,
/// placed before what else the turn says. Gemini's calls often carry no id and its responses name the
/// function instead, so each response answers the earliest unanswered call of that name.
/// </summary>
internal static class GeminiToOpenAIContents
{
    public static List<JsonObject> Translate(JsonArray contents)
    {
        var messages = new List<JsonObject>();
        var unanswered = new List<(string Name, string Id)>();
        for (var turn = 0; turn < contents.Count; turn++)
        {
            var content = Json.Object(contents[turn], "contents[]");
            var parts = Json.Array(content["parts"], "contents[].parts");
            switch (Json.String(content["role"]) ?? "user")
            {
                case "user":
                    messages.AddRange(User(parts, unanswered));
                    break;
                case "model":
                    messages.Add(Model(parts, turn, unanswered));
                    break;
                case var role:
                    throw UntranslatableException.ToOpenAI($"contents of role '{role}'");
            }
        }
        return messages;
    }

    private static List<JsonObject> User(JsonArray parts, List<(string Name, string Id)> unanswered)
    {
        var messages = new List<JsonObject>();
        var content = new JsonArray();
        foreach (var part in parts)
        {
            if (GeminiParts.Field(part, "functionResponse", "function_response") is { } response)
                messages.Add(ToolMessage(response, unanswered));
            else if (Json.String(part?["text"]) is { } text)
                content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
            else if (GeminiParts.Field(part, "inlineData", "inline_data") is { } inline)
                content.Add(Media(inline));
            else
                throw UntranslatableException.ToOpenAI($"parts holding {Kind(part)}");
        }
        if (content.Count > 0)
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = content });
        return messages;
    }

    /// <summary>Images as data: URLs, audio as <c>input_audio</c>, a PDF as a <c>file</c>; other media have no OpenAI part.</summary>
    private static JsonObject Media(JsonNode inline)
    {
        var mimeType = Json.RequiredString(GeminiParts.Field(inline, "mimeType", "mime_type"), "inlineData.mimeType");
        var data = Json.RequiredString(inline["data"], "inlineData.data");
        var url = $"data:{mimeType};base64,{data}";
        return mimeType switch
        {
            _ when mimeType.StartsWith("image/", StringComparison.Ordinal) => new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } },
            "audio/wav" or "audio/mp3" => new JsonObject { ["type"] = "input_audio", ["input_audio"] = new JsonObject { ["data"] = data, ["format"] = mimeType[6..] } },
            "application/pdf" => new JsonObject { ["type"] = "file", ["file"] = new JsonObject { ["file_data"] = url } },
            _ => throw UntranslatableException.ToOpenAI($"inlineData of type '{mimeType}'"),
        };
    }

    private static JsonObject ToolMessage(JsonNode response, List<(string Name, string Id)> unanswered)
    {
        var name = Json.RequiredString(response["name"], "functionResponse.name");
        var index = Json.String(response["id"]) is { } id ? unanswered.FindIndex(c => c.Id == id) : unanswered.FindIndex(c => c.Name == name);
        if (index < 0)
            throw new InvalidOperationException($"The functionResponse for '{name}' answers no earlier functionCall.");
        var callId = unanswered[index].Id;
        unanswered.RemoveAt(index);
        return new JsonObject
        {
            ["role"] = "tool",
            ["tool_call_id"] = callId,
            ["content"] = (response["response"] ?? new JsonObject()).ToJsonString(),
        };
    }

    /// <summary>Thought summaries (<c>"thought": true</c>) and their signatures are Gemini's own and stay out.</summary>
    private static JsonObject Model(JsonArray parts, int turn, List<(string Name, string Id)> unanswered)
    {
        var text = new System.Text.StringBuilder();
        var calls = new JsonArray();
        foreach (var part in parts)
        {
            if (GeminiParts.Field(part, "functionCall", "function_call") is { } call)
            {
                var id = GeminiParts.CallId(call, turn, calls.Count);
                var name = Json.RequiredString(call["name"], "functionCall.name");
                unanswered.Add((name, id));
                calls.Add(new JsonObject
                {
                    ["id"] = id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = name, ["arguments"] = (call["args"] ?? new JsonObject()).ToJsonString() },
                });
            }
            else if (Json.String(part?["text"]) is { } piece)
            {
                if (!Json.IsTrue(part!["thought"]))
                    text.Append(piece);
            }
            else if (part?["thoughtSignature"] is null && part?["thought_signature"] is null)
                throw UntranslatableException.ToOpenAI($"model parts holding {Kind(part)}");
        }
        var message = new JsonObject { ["role"] = "assistant", ["content"] = text.Length > 0 || calls.Count == 0 ? text.ToString() : null };
        if (calls.Count > 0)
            message["tool_calls"] = calls;
        return message;
    }

    private static string Kind(JsonNode? part) =>
        part is JsonObject obj ? string.Join(", ", obj.Select(p => $"'{p.Key}'")) : "nothing";
}
