using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>Reading a client's JSON by the shapes its API documents; anything else is the client's mistake.</summary>
internal static class Json
{
    /// <summary>
    /// Text as UTF-8, not <c>\uXXXX</c> escapes: the default encoder escapes every non-ASCII character (and
    /// <c>&lt;</c>, <c>&amp;</c>), which a provider does not, and which makes a Chinese answer three times its size.
    /// The "unsafe" in its name concerns embedding JSON in HTML, which an API body never is.
    /// </summary>
    public static readonly JavaScriptEncoder WireEncoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonSerializerOptions WireOptions = new() { Encoder = WireEncoder };

    /// <summary>A translated body, as the upstream or the client is sent it.</summary>
    public static byte[] ToUtf8(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, WireOptions);

    /// <summary>The string at <paramref name="node"/>; a value of another kind throws <see cref="InvalidOperationException"/> (a 400).</summary>
    public static string? String(JsonNode? node) => node?.GetValue<string>();

    public static string RequiredString(JsonNode? node, string name) =>
        String(node) ?? throw new InvalidOperationException($"'{name}' is required.");

    public static JsonArray Array(JsonNode? node, string name) =>
        node as JsonArray ?? throw new InvalidOperationException($"'{name}' must be an array.");

    public static JsonObject Object(JsonNode? node, string name) =>
        node as JsonObject ?? throw new InvalidOperationException($"'{name}' must be an object.");

    /// <summary>A number or boolean that is absent, null or the API's default changes nothing, so it may pass.</summary>
    public static bool IsNullOr(JsonNode? node, double neutral) =>
        node is null || (node.GetValueKind() == JsonValueKind.Number && node.GetValue<double>() == neutral);

    public static bool IsNullOrFalse(JsonNode? node) => node is null || node.GetValueKind() == JsonValueKind.False;

    public static bool IsTrue(JsonNode? node) => node?.GetValueKind() == JsonValueKind.True;

    /// <summary>
    /// OpenAI's tool-call arguments (JSON text, empty for none) as the object Anthropic's <c>input</c> and Gemini's
    /// <c>args</c> are. Text that is not a JSON object throws <see cref="InvalidOperationException"/>: a 400 in a
    /// request, an untranslatable answer (502) in a response — never a guess.
    /// </summary>
    public static JsonObject ArgumentsObject(string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
            return new JsonObject();
        try
        {
            return JsonNode.Parse(arguments) as JsonObject ?? throw new InvalidOperationException("A tool call's arguments are not a JSON object.");
        }
        catch (JsonException)
        {
            throw new InvalidOperationException("A tool call's arguments are not valid JSON.");
        }
    }

    /// <summary>A copy to place in another tree (a node has one parent).</summary>
    public static JsonNode? Copy(JsonNode? node) => node?.DeepClone();
}
