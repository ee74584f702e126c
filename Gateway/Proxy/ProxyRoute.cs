using Metering.Usage;

namespace Gateway.Proxy;

/// <summary>The dialect a client speaks on a route; decides the error shape and the upstream credential header.</summary>
internal enum ClientDialect
{
    OpenAI,
    Anthropic,

    /// <summary>Google's native Gemini API: <c>x-goog-api-key</c>, errors as <c>{"error":{"code","message","status"}}</c>.</summary>
    Gemini,
}

/// <summary>
/// A metered client route: where it listens, what it speaks, where it goes upstream, and what kind of
/// endpoint it is. <see cref="Format"/> picks the usage reader of a token-priced route; null when the
/// route's answer is not read for tokens (a per-call API, token counting).
/// </summary>
internal sealed record ProxyRoute(string Path, WireFormat? Format, string? UpstreamPath, EndpointKind Kind = EndpointKind.Tokens,
    ClientDialect Dialect = ClientDialect.OpenAI)
{
    /// <summary>The HTTP method the route answers; model calls are all POSTs.</summary>
    public string Method { get; init; } = HttpMethods.Post;

    /// <summary>The body is a multipart upload (a file and its fields), forwarded as it arrives.</summary>
    public bool MultipartBody { get; init; }

    /// <summary>
    /// The model is named in the path (Gemini's <c>/v1beta/models/{model}:…</c>), not in the body;
    /// <see cref="UpstreamPath"/> is then a template whose <c>{model}</c> becomes the upstream's name for it.
    /// </summary>
    public bool ModelInPath { get; init; }

    /// <summary>The path itself asks for a stream (Gemini's <c>:streamGenerateContent</c>), not a body member.</summary>
    public bool PathStreams { get; init; }

    public const string PerCallPattern = "/apis/{api}/{**rest}";

    public static readonly ProxyRoute PerCall = new(PerCallPattern, null, null, EndpointKind.PerCallApi);

    public bool IsPerCall => Kind == EndpointKind.PerCallApi;

    public static readonly ProxyRoute[] ModelRoutes =
    [
        new("/v1/chat/completions", WireFormat.OpenAIChat, "/v1/chat/completions"),
        new("/v1/completions", WireFormat.OpenAICompletions, "/v1/completions"),
        new("/v1/responses", WireFormat.OpenAIResponses, "/v1/responses"),
        new("/v1/embeddings", WireFormat.OpenAIEmbeddings, "/v1/embeddings"),
        new("/v1/messages", WireFormat.AnthropicMessages, "/v1/messages", Dialect: ClientDialect.Anthropic),
        new("/v1/messages/count_tokens", null, "/v1/messages/count_tokens", EndpointKind.CountTokens, ClientDialect.Anthropic),
        // Moderations answer no usage: the input is counted as embeddings input is (a string or strings).
        new("/v1/moderations", WireFormat.OpenAIEmbeddings, "/v1/moderations"),
        new("/v1/images/generations", WireFormat.OpenAIImages, "/v1/images/generations", EndpointKind.Images),
        new("/v1/images/edits", WireFormat.OpenAIImages, "/v1/images/edits", EndpointKind.Images) { MultipartBody = true },
        new("/v1/audio/speech", null, "/v1/audio/speech", EndpointKind.Speech),
        new("/v1/audio/transcriptions", WireFormat.OpenAIAudioInput, "/v1/audio/transcriptions", EndpointKind.AudioInput) { MultipartBody = true },
        new("/v1/audio/translations", WireFormat.OpenAIAudioInput, "/v1/audio/translations", EndpointKind.AudioInput) { MultipartBody = true },
        new("/v1/rerank", WireFormat.Rerank, "/v1/rerank", EndpointKind.Rerank),
        // The Usage Logs page's playground: metered exactly like chat completions, logged under its own path.
        new("/pg/chat/completions", WireFormat.OpenAIChat, "/v1/chat/completions"),
        Gemini("generateContent", WireFormat.GeminiGenerateContent),
        Gemini("streamGenerateContent", WireFormat.GeminiGenerateContent) with { PathStreams = true },
        Gemini("countTokens", null, EndpointKind.CountTokens),
    ];

    /// <summary>Google's native API: <c>POST /v1beta/models/{model}:{method}</c>.</summary>
    private static ProxyRoute Gemini(string method, WireFormat? format, EndpointKind kind = EndpointKind.Tokens) =>
        new($"/v1beta/models/{{model}}:{method}", format, $"/v1beta/models/{{model}}:{method}", kind, ClientDialect.Gemini) { ModelInPath = true };

    /// <summary>
    /// A stored response's own calls (OpenAI Responses API). <see cref="UpstreamPath"/> is the same template,
    /// filled with the checked id.
    /// </summary>
    public static readonly ProxyRoute[] StoredResponseRoutes =
    [
        StoredResponse("/v1/responses/{id}", HttpMethods.Get),
        StoredResponse("/v1/responses/{id}", HttpMethods.Delete),
        StoredResponse("/v1/responses/{id}/cancel", HttpMethods.Post),
        StoredResponse("/v1/responses/{id}/input_items", HttpMethods.Get),
    ];

    private static ProxyRoute StoredResponse(string path, string method) => new(path, null, path, EndpointKind.StoredResponse) { Method = method };
}
