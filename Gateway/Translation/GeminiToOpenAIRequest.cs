using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// A Gemini <c>generateContent</c> body as an OpenAI <c>/v1/chat/completions</c> request. Gemini names the
/// model and whether to stream in its path, so the caller passes both. Every member of the body and of its
/// <c>generationConfig</c> is translated, neutral, or refused by name.
/// </summary>
internal static class GeminiToOpenAIRequest
{
    public static JsonObject Translate(JsonObject request, string upstreamModel, bool stream)
    {
        var messages = new JsonArray();
        if (GeminiParts.Field(request, "systemInstruction", "system_instruction") is { } system)
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = SystemText(system) });
        foreach (var message in GeminiToOpenAIContents.Translate(Json.Array(request["contents"], "contents")))
            messages.Add(message);
        var result = new JsonObject { ["model"] = upstreamModel, ["messages"] = messages };
        if (stream)
        {
            result["stream"] = true;
            result["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        foreach (var (name, value) in request)
        {
            if (value is null)
                continue;
            switch (name)
            {
                case "contents" or "systemInstruction" or "system_instruction":
                    break;
                case "generationConfig" or "generation_config":
                    GeminiGenerationConfig.Translate(Json.Object(value, name), result);
                    break;
                case "tools":
                    result["tools"] = Tools(Json.Array(value, "tools"));
                    break;
                case "toolConfig" or "tool_config":
                    if (GeminiParts.Field(value, "functionCallingConfig", "function_calling_config") is { } config)
                        result["tool_choice"] = ToolChoice(config);
                    break;
                default:
                    throw UntranslatableException.ToOpenAI(name);
            }
        }
        return result;
    }

    private static string SystemText(JsonNode system) =>
        string.Join("\n", Json.Array(system["parts"], "systemInstruction.parts").Select(p => Json.RequiredString(p?["text"], "systemInstruction.parts[].text")));

    /// <summary>Function declarations only; Google's own tools (<c>googleSearch</c>, <c>codeExecution</c>, <c>urlContext</c>) run at Google.</summary>
    private static JsonArray Tools(JsonArray tools)
    {
        var result = new JsonArray();
        foreach (var tool in tools)
        {
            foreach (var (kind, declarations) in Json.Object(tool, "tools[]"))
            {
                if (kind is not ("functionDeclarations" or "function_declarations"))
                    throw UntranslatableException.ToOpenAI($"tools[].{kind}");
                foreach (var declaration in Json.Array(declarations, "tools[].functionDeclarations"))
                {
                    var function = new JsonObject { ["name"] = Json.RequiredString(declaration?["name"], "functionDeclarations[].name") };
                    if (declaration!["description"] is { } description)
                        function["description"] = Json.Copy(description);
                    if ((GeminiParts.Field(declaration, "parametersJsonSchema", "parameters_json_schema") ?? declaration["parameters"]) is { } parameters)
                        function["parameters"] = GeminiSchema.ToJsonSchema(parameters);
                    result.Add(new JsonObject { ["type"] = "function", ["function"] = function });
                }
            }
        }
        return result;
    }

    private static JsonNode ToolChoice(JsonNode config)
    {
        var names = GeminiParts.Field(config, "allowedFunctionNames", "allowed_function_names") as JsonArray;
        return (Json.String(config["mode"]), names?.Count ?? 0) switch
        {
            ("AUTO" or "MODE_UNSPECIFIED" or null, 0) => "auto",
            ("NONE", 0) => "none",
            ("ANY", 0) => "required",
            ("ANY", 1) => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = Json.Copy(names![0]) } },
            (var mode, var count) => throw UntranslatableException.ToOpenAI(count > 1 ? "allowedFunctionNames with more than one name" : $"functionCallingConfig mode '{mode}'"),
        };
    }
}
