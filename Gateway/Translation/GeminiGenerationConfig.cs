using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>Gemini's <c>generationConfig</c> as OpenAI request members; what OpenAI has no member for is refused by name.</summary>
internal static class GeminiGenerationConfig
{
    public static void Translate(JsonObject config, JsonObject result)
    {
        JsonNode? schema = null;
        string? mimeType = null;
        foreach (var (name, value) in config)
        {
            if (value is null)
                continue;
            switch (name)
            {
                case "maxOutputTokens" or "max_output_tokens":
                    result["max_completion_tokens"] = Json.Copy(value);
                    break;
                case "temperature" or "seed":
                    result[name] = Json.Copy(value);
                    break;
                case "topP" or "top_p":
                    result["top_p"] = Json.Copy(value);
                    break;
                case "presencePenalty" or "presence_penalty":
                    result["presence_penalty"] = Json.Copy(value);
                    break;
                case "frequencyPenalty" or "frequency_penalty":
                    result["frequency_penalty"] = Json.Copy(value);
                    break;
                case "stopSequences" or "stop_sequences":
                    result["stop"] = Json.Copy(Json.Array(value, name));
                    break;
                case "responseMimeType" or "response_mime_type":
                    mimeType = Json.String(value);
                    break;
                case "responseSchema" or "response_schema" or "responseJsonSchema" or "response_json_schema":
                    schema = GeminiSchema.ToJsonSchema(value);
                    break;
                case "candidateCount" or "candidate_count" when Json.IsNullOr(value, 1):
                    break;
                default:
                    throw UntranslatableException.ToOpenAI($"generationConfig.{name}");
            }
        }
        result["response_format"] = (mimeType, schema) switch
        {
            (null or "text/plain", null) => null,
            ("application/json", null) => new JsonObject { ["type"] = "json_object" },
            ("application/json", _) => new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject { ["name"] = "response", ["schema"] = schema },
            },
            _ => throw UntranslatableException.ToOpenAI($"generationConfig.responseMimeType '{mimeType}'"),
        };
        if (result["response_format"] is null)
            result.Remove("response_format");
    }
}
