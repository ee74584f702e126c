using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// Gemini's REST API accepts each field in lowerCamelCase (what Google's SDKs send: <c>inlineData</c>) or
/// in its proto snake_case (<c>inline_data</c>); both are read, camelCase is written.
/// </summary>
internal static class GeminiParts
{
    public static JsonNode? Field(JsonNode? node, string camel, string snake) => node?[camel] ?? node?[snake];

    /// <summary>The finish reasons Gemini gives when its safety or recitation filters ended the answer.</summary>
    public static bool IsFiltered(string? reason) => reason is "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY";

    /// <summary>Gemini's finish reason as OpenAI's; Gemini says STOP after a function call too.</summary>
    public static string? ToOpenAIFinish(string? reason, bool calledTools) => reason switch
    {
        null or "" or "FINISH_REASON_UNSPECIFIED" => null,
        "MAX_TOKENS" => "length",
        _ when IsFiltered(reason) => "content_filter",
        _ when calledTools => "tool_calls",
        _ => "stop",
    };

    public static string ToGeminiFinish(string? reason) => reason switch
    {
        "length" => "MAX_TOKENS",
        "content_filter" => "SAFETY",
        _ => "STOP", // stop and tool_calls: Gemini ends a turn with function calls as STOP
    };

    /// <summary>
    /// OpenAI needs an id on every tool call and Gemini's function calls often have none (its
    /// <c>functionResponse</c> names the function instead): a stable one is made from the call's place.
    /// </summary>
    public static string CallId(JsonNode? call, int turn, int index) =>
        Json.String(call?["id"]) is { Length: > 0 } id ? id : $"call_{turn}_{index}";
}
