using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// An OpenAI <c>/v1/chat/completions</c> request as a Gemini <c>generateContent</c> body. The model and
/// whether to stream are not in Gemini's body but in its path (<c>models/{model}:streamGenerateContent?alt=sse</c>),
/// which the caller builds. Every top-level member is translated, neutral, or refused by name.
/// </summary>
internal static class OpenAIToGeminiRequest
{
    public static JsonObject Translate(JsonObject request)
    {
        var (system, contents) = OpenAIToGeminiContents.Translate(Json.Array(request["messages"], "messages"));
        var result = new JsonObject { ["contents"] = contents };
        if (system.Count > 0)
            result["systemInstruction"] = new JsonObject { ["parts"] = system };
        var config = new JsonObject();
        foreach (var (name, value) in request)
        {
            if (value is null)
                continue;
            switch (name)
            {
                case "model" or "messages" or "stream" or "stream_options":
                    break; // the path says model and stream; Gemini streams its usage always
                case "max_tokens" or "max_completion_tokens":
                    config["maxOutputTokens"] = Json.Copy(value);
                    break;
                case "temperature" or "seed":
                    config[name] = Json.Copy(value);
                    break;
                case "top_p":
                    config["topP"] = Json.Copy(value);
                    break;
                case "presence_penalty":
                    config["presencePenalty"] = Json.Copy(value);
                    break;
                case "frequency_penalty":
                    config["frequencyPenalty"] = Json.Copy(value);
                    break;
                case "stop":
                    config["stopSequences"] = value.GetValueKind() == JsonValueKind.String ? new JsonArray(Json.Copy(value)) : Json.Copy(Json.Array(value, "stop"));
                    break;
                case "response_format":
                    ResponseFormat(value, config);
                    break;
                case "tools":
                    result["tools"] = new JsonArray(new JsonObject { ["functionDeclarations"] = Functions(Json.Array(value, "tools")) });
                    break;
                case "tool_choice":
                    result["toolConfig"] = new JsonObject { ["functionCallingConfig"] = ToolChoice(value) };
                    break;
                case "n" when Json.IsNullOr(value, 1):
                case "store" or "logprobs" when Json.IsNullOrFalse(value):
                case "parallel_tool_calls" when Json.IsTrue(value):
                    break;
                default:
                    throw UntranslatableException.ToGemini(name == "parallel_tool_calls" ? "parallel_tool_calls: false" : name);
            }
        }
        if (config.Count > 0)
            result["generationConfig"] = config;
        return result;
    }

    private static void ResponseFormat(JsonNode value, JsonObject config)
    {
        switch (Json.String(value["type"]))
        {
            case "text":
                break;
            case "json_object":
                config["responseMimeType"] = "application/json";
                break;
            case "json_schema":
                config["responseMimeType"] = "application/json";
                config["responseJsonSchema"] = Json.Copy(Json.Object(value["json_schema"]?["schema"], "response_format.json_schema.schema"));
                break;
            case var other:
                throw UntranslatableException.ToGemini($"response_format of type '{other}'");
        }
    }

    /// <summary>Function tools only; the schema goes as <c>parametersJsonSchema</c>, which takes full JSON Schema (<c>parameters</c> takes an OpenAPI subset).</summary>
    private static JsonArray Functions(JsonArray tools)
    {
        var result = new JsonArray();
        foreach (var tool in tools)
        {
            var type = Json.String(tool?["type"]);
            if (type != "function")
                throw UntranslatableException.ToGemini($"tools of type '{type}'");
            var function = Json.Object(tool!["function"], "tools[].function");
            var declaration = new JsonObject { ["name"] = Json.RequiredString(function["name"], "tools[].function.name") };
            if (function["description"] is { } description)
                declaration["description"] = Json.Copy(description);
            if (function["parameters"] is { } parameters)
                declaration["parametersJsonSchema"] = Json.Copy(parameters);
            result.Add(declaration);
        }
        return result;
    }

    private static JsonObject ToolChoice(JsonNode value)
    {
        if (value.GetValueKind() == JsonValueKind.String)
        {
            return Json.String(value) switch
            {
                "auto" => new JsonObject { ["mode"] = "AUTO" },
                "none" => new JsonObject { ["mode"] = "NONE" },
                "required" => new JsonObject { ["mode"] = "ANY" },
                var other => throw UntranslatableException.ToGemini($"tool_choice '{other}'"),
            };
        }
        if (Json.String(value["type"]) is var type && type != "function")
            throw UntranslatableException.ToGemini($"tool_choice of type '{type}'");
        return new JsonObject
        {
            ["mode"] = "ANY",
            ["allowedFunctionNames"] = new JsonArray(Json.RequiredString(value["function"]?["name"], "tool_choice.function.name")),
        };
    }
}
