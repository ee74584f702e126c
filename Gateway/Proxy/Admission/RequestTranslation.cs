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
        route.Format is { } format && target.Dialect != route.Dialect
            ? ChatTranslation.Between(format, target.Dialect == ClientDialect.Anthropic ? WireFormat.AnthropicMessages : WireFormat.OpenAIChat)
            : null;

    /// <returns>A 400 naming what the upstream's format cannot express; null once the upstream body is set.</returns>
    public static Refusal? Apply(AdmittedRequest admitted, ChatTranslation translation, string upstreamModel)
    {
        var translated = translation.TranslateRequest(admitted.RequestBody, upstreamModel);
        if (translated.Refusal is { } message)
            return new Refusal(400, UntranslatableCode, message);
        admitted.Translation = translation;
        admitted.UpstreamPath = translation.UpstreamPath;
        admitted.UpstreamBody = translated.Body!;
        admitted.ClientAskedForUsage = translated.ClientAskedForUsage;
        return null;
    }
}
