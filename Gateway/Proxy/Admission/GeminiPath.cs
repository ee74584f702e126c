using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>
    /// Where a call on Google's routes goes when its cluster speaks Gemini too: the route's path with the upstream's
    /// name for the model, the client's query less its key, and a <c>countTokens</c> body naming the model so too.
    /// </summary>
    public static void Address(AdmittedRequest admitted, ProxyRoute route, HttpRequest request, string upstreamModel)
    {
        admitted.UpstreamPath = route.UpstreamPath!.Replace("{model}", Uri.EscapeDataString(upstreamModel), StringComparison.Ordinal);
        admitted.UpstreamQuery = WithoutKey(request);
        if (route.Kind == EndpointKind.CountTokens)
            admitted.UpstreamBody = WithUpstreamModelInCountTokens(admitted.UpstreamBody, upstreamModel);
    }

    /// <summary>The client's query less its <c>key</c>: the gateway key never goes upstream (the cluster's goes in a header).</summary>
    private static QueryString WithoutKey(HttpRequest request)
    {
        var kept = request.Query.Where(p => !string.Equals(p.Key, Credentials.GoogleKeyParameter, StringComparison.OrdinalIgnoreCase));
        return QueryString.Create(kept.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))));
    }

    /// <summary>
    /// A <c>countTokens</c> body in its <c>generateContentRequest</c> form names the model again
    /// (<c>"models/{model}"</c>), which Google checks against the path: it becomes the upstream's name too.
    /// </summary>
    private static byte[] WithUpstreamModelInCountTokens(byte[] body, string upstreamModel)
    {
        try
        {
            if (JsonNode.Parse(body) is not JsonObject root || root["generateContentRequest"] is not JsonObject request || request["model"] is null)
                return body;
            request["model"] = "models/" + upstreamModel;
            return JsonSerializer.SerializeToUtf8Bytes(root);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return body;   // a duplicate member: Google refuses it as it is
        }
    }

    /// <summary>Counting tokens is forwarded only to Google, who counts them for the model; no other API has the call.</summary>
    public static Refusal CountTokensUnsupported(string model) => new(400, "count_tokens_unsupported",
        $"countTokens is answered only for models served by Google's Gemini API; '{model}' is served by another provider's API.");
}
