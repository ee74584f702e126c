namespace Gateway.Translation;

/// <summary>
/// Gemini's paths: it names the model and whether to stream in its path
/// (<c>/v1beta/models/{model}:generateContent</c>, <c>:streamGenerateContent?alt=sse</c>), not its body.
/// </summary>
internal static class GeminiTranslation
{
    public const string GenerateContent = "generateContent";
    public const string StreamGenerateContent = "streamGenerateContent";
    public const string CountTokens = "countTokens";

    public static string UpstreamPath(string model, bool stream) => ModelPath(model, stream ? StreamGenerateContent : GenerateContent);

    /// <summary><c>/v1beta/models/{model}:{method}</c>, the model escaped as one path segment.</summary>
    public static string ModelPath(string model, string method) => $"/v1beta/models/{Uri.EscapeDataString(model)}:{method}";

    /// <summary>The query a streamed call adds: Gemini streams SSE only when asked (<c>alt=sse</c>), else a JSON array.</summary>
    public const string StreamQuery = "?alt=sse";
}
