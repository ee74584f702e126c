using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// An OpenAI <c>chat.completion</c> as a Gemini <c>GenerateContentResponse</c>: the first choice as one
/// candidate whose parts are its text and a <c>functionCall</c> per tool call (arguments parsed into
/// <c>args</c>), the finish reason and the usage as <c>usageMetadata</c>.
/// </summary>
internal static class OpenAIToGeminiResponse
{
    public static JsonObject Translate(JsonObject completion)
    {
        var choices = Json.Array(completion["choices"], "choices");
        var choice = choices.Count > 0 ? choices[0] : null;
        var parts = new JsonArray();
        if ((Json.String(choice?["message"]?["content"]) ?? Json.String(choice?["message"]?["refusal"])) is { Length: > 0 } text)
            parts.Add(new JsonObject { ["text"] = text });
        foreach (var call in choice?["message"]?["tool_calls"] as JsonArray ?? [])
            parts.Add(FunctionCall(Json.String(call?["function"]?["name"]), Json.String(call?["function"]?["arguments"])));
        return Response(completion, parts, GeminiParts.ToGeminiFinish(Json.String(choice?["finish_reason"])), completion["usage"]);
    }

    /// <summary>One candidate of a response or stream chunk; the finish reason and usage only when known.</summary>
    public static JsonObject Response(JsonNode completion, JsonArray parts, string? finishReason, JsonNode? usage)
    {
        var candidate = new JsonObject { ["content"] = new JsonObject { ["role"] = "model", ["parts"] = parts } };
        if (finishReason is not null)
            candidate["finishReason"] = finishReason;
        candidate["index"] = 0;
        var response = new JsonObject { ["candidates"] = new JsonArray(candidate) };
        if (usage is not null)
            response["usageMetadata"] = UsageTranslation.OpenAIToGemini(usage);
        response["modelVersion"] = Json.String(completion["model"]);
        response["responseId"] = Json.String(completion["id"]);
        return response;
    }

    public static JsonObject FunctionCall(string? name, string? arguments) =>
        new() { ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = Json.ArgumentsObject(arguments) } };
}
