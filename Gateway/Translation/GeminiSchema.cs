using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// Gemini's <c>parameters</c> and <c>responseSchema</c> are an OpenAPI subset whose <c>type</c> is written
/// in capitals (<c>OBJECT</c>, <c>STRING</c>); JSON Schema, which OpenAI takes, writes it in lower case.
/// The <c>…JsonSchema</c> variants are JSON Schema already and pass through the same lowering unchanged.
/// </summary>
internal static class GeminiSchema
{
    public static JsonNode ToJsonSchema(JsonNode schema)
    {
        var copy = schema.DeepClone();
        Lower(copy);
        return copy;
    }

    private static void Lower(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["type"] is JsonValue type && Json.String(type) is { } name)
                    obj["type"] = name.ToLowerInvariant();
                foreach (var (_, child) in obj.ToList())
                    Lower(child);
                break;
            case JsonArray array:
                foreach (var item in array)
                    Lower(item);
                break;
        }
    }
}
