using Gateway.Auth;

namespace Gateway.Proxy.Admission;

/// <summary>
/// Stage 3 on Google's routes (<c>/v1beta/models/{model}:…</c>), where the path carries what other APIs put in
/// the body: the model, and whether the call streams; and where the query may carry the client's key.
/// </summary>
internal static class GeminiPath
{
    private const string AltParameter = "alt";
    private const string SseAlt = "sse";

    /// <summary>The model the path names, as routing decoded it.</summary>
    public static string Model(HttpContext context) => context.Request.RouteValues["model"] as string ?? "";

    /// <returns>
    /// A 400 for <c>:streamGenerateContent</c> without <c>alt=sse</c>: Google then answers one JSON array of chunks,
    /// which nothing reads as it arrives; its SDKs always ask for SSE.
    /// </returns>
    public static Refusal? CheckStreamQuery(ProxyRoute route, HttpRequest request) =>
        route.PathStreams && !string.Equals(request.Query[AltParameter].ToString(), SseAlt, StringComparison.Ordinal)
            ? Refusal.Malformed("streamGenerateContent is served as Server-Sent Events only: add 'alt=sse' to the query.")
            : null;

    /// <summary>The route's upstream path with the upstream's name for the model in it.</summary>
    public static string UpstreamPath(ProxyRoute route, string upstreamModel) =>
        route.UpstreamPath!.Replace("{model}", Uri.EscapeDataString(upstreamModel), StringComparison.Ordinal);

    /// <summary>The client's query less its <c>key</c>: the gateway key never goes upstream (the cluster's goes in a header).</summary>
    public static QueryString WithoutKey(HttpRequest request)
    {
        var kept = request.Query.Where(p => !string.Equals(p.Key, Credentials.GoogleKeyParameter, StringComparison.OrdinalIgnoreCase));
        return QueryString.Create(kept.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))));
    }

    /// <summary>Counting tokens is forwarded only to Google, who counts them for the model; no other API has the call.</summary>
    public static Refusal CountTokensUnsupported(string model) => new(400, "count_tokens_unsupported",
        $"countTokens is answered only for models served by Google's Gemini API; '{model}' is served by another provider's API.");
}
