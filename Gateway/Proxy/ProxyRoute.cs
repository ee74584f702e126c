using Metering.Usage;

namespace Gateway.Proxy;

/// <summary>The dialect a client speaks on a route; decides the error shape and the upstream credential header.</summary>
internal enum ClientDialect
{
    OpenAI,
    Anthropic,
}

/// <summary>
/// A metered client route: where it listens, what it speaks, where it goes upstream. A route without
/// a wire format is a per-call API: priced per successful call, its body never read for usage.
/// </summary>
internal sealed record ProxyRoute(string Path, WireFormat? Format, string? UpstreamPath)
{
    public const string PerCallPattern = "/apis/{api}/{**rest}";

    public static readonly ProxyRoute PerCall = new(PerCallPattern, null, null);

    public bool IsPerCall => Format is null;

    public ClientDialect Dialect => Format == WireFormat.AnthropicMessages ? ClientDialect.Anthropic : ClientDialect.OpenAI;

    public static readonly ProxyRoute[] ModelRoutes =
    [
        new("/v1/chat/completions", WireFormat.OpenAIChat, "/v1/chat/completions"),
        new("/v1/completions", WireFormat.OpenAICompletions, "/v1/completions"),
        new("/v1/responses", WireFormat.OpenAIResponses, "/v1/responses"),
        new("/v1/embeddings", WireFormat.OpenAIEmbeddings, "/v1/embeddings"),
        new("/v1/messages", WireFormat.AnthropicMessages, "/v1/messages"),
        // The Usage Logs page's playground: metered exactly like chat completions, logged under its own path.
        new("/pg/chat/completions", WireFormat.OpenAIChat, "/v1/chat/completions"),
    ];
}
