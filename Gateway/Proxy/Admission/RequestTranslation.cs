using Gateway.Translation;
using Gateway.Upstream;
using Metering.Usage;

namespace Gateway.Proxy.Admission;

/// <summary>
/// Stage 3, for a chat model whose cluster speaks another wire format than the route (an OpenAI client
/// asking for a Claude model): the body the upstream is sent, in its own format, at its own path.
/// </summary>
internal static class RequestTranslation
{
    public const string UntranslatableCode = "untranslatable_feature";

    /// <returns>The translation the call needs, or null when the formats match or no translation exists between them.</returns>
    public static ChatTranslation? For(ProxyRoute route, UpstreamTarget target) =>
        route.Format is { } format && target.Dialect != route.Dialect ? ChatTranslation.Between(format, ChatFormatOf(target.Dialect)) : null;

    /// <summary>The chat format a cluster of this dialect serves.</summary>
    public static WireFormat ChatFormatOf(ClientDialect dialect) => dialect switch
    {
        ClientDialect.Anthropic => WireFormat.AnthropicMessages,
        ClientDialect.Gemini => WireFormat.GeminiGenerateContent,
        _ => WireFormat.OpenAIChat,
    };

    /// <param name="stream">Whether the call streams (Gemini's upstream path and query say so).</param>
    /// <returns>A 400 naming what the upstream's format cannot express; null once the upstream body is set.</returns>
    public static Refusal? Apply(AdmittedRequest admitted, ChatTranslation translation, string upstreamModel, bool stream)
    {
        var translated = translation.TranslateRequest(admitted.RequestBody, upstreamModel, stream);
        if (translated.Refusal is { } message)
            return new Refusal(400, UntranslatableCode, message);
        admitted.Translation = translation;
        admitted.UpstreamPath = translation.UpstreamPath(upstreamModel, stream);
        // The client's query belongs to its own API (a Gemini client's key and alt=sse); the upstream gets its own.
        admitted.UpstreamQuery = stream && translation.Upstream == WireFormat.GeminiGenerateContent
            ? new QueryString(GeminiTranslation.StreamQuery)
            : QueryString.Empty;
        admitted.UpstreamBody = translated.Body!;
        admitted.ClientAskedForUsage = translated.ClientAskedForUsage;
        return null;
    }
}
