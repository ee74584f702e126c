namespace Gateway.Translation;

/// <summary>
/// Gemini <c>generateContent</c> each way with OpenAI chat completions (and so with Anthropic, through
/// OpenAI's shape). Gemini names the model and whether to stream in its path
/// (<c>/v1beta/models/{model}:generateContent</c>, <c>:streamGenerateContent?alt=sse</c>), not its body.
/// Not yet a pipeline route: Gemini is not a <c>WireFormat</c> with a usage reader yet.
/// </summary>
internal static class GeminiTranslation
{
    public static string UpstreamPath(string model, bool stream) =>
        $"/v1beta/models/{Uri.EscapeDataString(model)}:{(stream ? "streamGenerateContent" : "generateContent")}";

    /// <summary>The query a streamed call adds: Gemini streams SSE only when asked (<c>alt=sse</c>), else a JSON array.</summary>
    public const string StreamQuery = "?alt=sse";

    /// <summary>An OpenAI client calling a Gemini upstream.</summary>
    public static class FromOpenAI
    {
        public static TranslatedRequest TranslateRequest(ReadOnlySpan<byte> body) =>
            TranslationBoundary.Request(body, OpenAIToGeminiRequest.Translate, clientAskedForUsage: true);

        public static byte[]? TranslateResponse(ReadOnlySpan<byte> json, long createdUnixSeconds) =>
            TranslationBoundary.Response(json, response => GeminiToOpenAIResponse.Translate(response, createdUnixSeconds));

        public static IStreamTranslator NewStream(bool clientAskedForUsage, long createdUnixSeconds) =>
            TranslationBoundary.Stream(new GeminiToOpenAIStream(clientAskedForUsage, createdUnixSeconds));
    }

    /// <summary>A Gemini client calling an OpenAI upstream.</summary>
    public static class ToOpenAI
    {
        public static TranslatedRequest TranslateRequest(ReadOnlySpan<byte> body, string upstreamModel, bool stream) =>
            TranslationBoundary.Request(body, request => GeminiToOpenAIRequest.Translate(request, upstreamModel, stream));

        public static byte[]? TranslateResponse(ReadOnlySpan<byte> json) =>
            TranslationBoundary.Response(json, OpenAIToGeminiResponse.Translate);

        public static IStreamTranslator NewStream() => TranslationBoundary.Stream(new OpenAIToGeminiStream());
    }
}
