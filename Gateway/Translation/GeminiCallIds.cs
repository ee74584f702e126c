using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// The tool-call id an OpenAI or Anthropic client sees for a Gemini <c>functionCall</c>, and what the next turn
/// gets back from it. Gemini's calls often have no id (its <c>functionResponse</c> names the function), and a
/// thinking model signs each call with a <c>thoughtSignature</c> that it wants back on that call in the next turn
/// (Gemini 3 refuses a turn without it). The other formats have no field for it, but every client echoes a call's
/// id verbatim, so the signature travels inside the id: <c>{id}__ts__{signature as base64url}</c>.
/// </summary>
internal static class GeminiCallIds
{
    private const string SignatureSeparator = "__ts__";

    /// <param name="part">The part holding the call (its <c>thoughtSignature</c> sits beside <c>functionCall</c>).</param>
    /// <param name="responseId">The answer's <c>responseId</c>: with the call's place, an id unique across turns.</param>
    public static string For(JsonNode? part, JsonNode call, string? responseId, int index)
    {
        var id = Json.String(call["id"]) is { Length: > 0 } own ? own : $"call_{responseId ?? "0"}_{index}";
        return Json.String(GeminiParts.Field(part, "thoughtSignature", "thought_signature")) is { Length: > 0 } signature
            ? id + SignatureSeparator + signature.TrimEnd('=').Replace('+', '-').Replace('/', '_')
            : id;
    }

    /// <returns>The signature a call id carries (standard base64 again), or null when it carries none.</returns>
    public static string? Signature(string callId)
    {
        var at = callId.IndexOf(SignatureSeparator, StringComparison.Ordinal);
        if (at < 0)
            return null;
        var signature = callId[(at + SignatureSeparator.Length)..].Replace('-', '+').Replace('_', '/');
        return signature.Length == 0 ? null : signature.PadRight(signature.Length + (4 - signature.Length % 4) % 4, '=');
    }
}
