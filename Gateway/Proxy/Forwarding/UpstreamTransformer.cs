using System.Net.Http.Headers;
using Gateway.Auth;
using Gateway.Upstream;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// Shapes the upstream request (path, credential swap, no compression) and the client response
/// (our request id; tells the observer what kind of body follows).
/// </summary>
internal sealed class UpstreamTransformer(MeteringFeature feature, UpstreamTarget target, ResponseObserverStream observer,
    UpstreamRequestHeaders requestHeaders, TimeProvider clock) : HttpTransformer
{
    public const string RequestIdHeader = "x-request-id";
    public const string UpstreamRequestIdHeader = "x-upstream-request-id";
    public const string AnthropicVersionHeader = "anthropic-version";
    public const string OrganizationHeader = "OpenAI-Organization";
    public const string ProjectHeader = "OpenAI-Project";
    public const string AzureApiKeyHeader = "api-key";

    /// <summary>Milliseconds the gateway itself spent before the response headers, upstream time excluded.</summary>
    public const string OverheadHeader = "x-gateway-overhead-ms";
    public const string DefaultAnthropicVersion = "2023-06-01";

    /// <summary>The destination of the try under way (set before each): whose credential goes, and is masked in answers.</summary>
    public UpstreamDestination? Destination { get; set; }

    private string? ApiKey => Destination?.ApiKey ?? target.ApiKey;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await requestHeaders.Transformer.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var query = feature.Admitted.UpstreamQuery ?? httpContext.Request.QueryString;
        proxyRequest.RequestUri = target.IsAzure
            ? RequestUtilities.MakeDestinationAddress(destinationPrefix, AzurePath(), query.Add("api-version", target.AzureApiVersion!))
            : RequestUtilities.MakeDestinationAddress(destinationPrefix, feature.Admitted.UpstreamPath, query);

        // The client's gateway key never left (above); the destination's own credential (else the cluster's) goes instead.
        if (ApiKey is { Length: > 0 } apiKey)
        {
            if (target.IsAzure)
                proxyRequest.Headers.TryAddWithoutValidation(AzureApiKeyHeader, apiKey);
            else if (target.Dialect == ClientDialect.Gemini)
                proxyRequest.Headers.TryAddWithoutValidation(Credentials.GoogleApiKeyHeader, apiKey);
            else if (target.Dialect == ClientDialect.Anthropic)
                proxyRequest.Headers.TryAddWithoutValidation(Credentials.ApiKeyHeader, apiKey);
            else
                proxyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        if (target.Organization is { Length: > 0 } organization)
            proxyRequest.Headers.TryAddWithoutValidation(OrganizationHeader, organization);
        if (target.Project is { Length: > 0 } project)
            proxyRequest.Headers.TryAddWithoutValidation(ProjectHeader, project);
        if (target.Dialect == ClientDialect.Anthropic && !proxyRequest.Headers.Contains(AnthropicVersionHeader))
            proxyRequest.Headers.TryAddWithoutValidation(AnthropicVersionHeader, DefaultAnthropicVersion);

        // We meter what we read: ask for an uncompressed body.
        proxyRequest.Headers.AcceptEncoding.Clear();
        if (feature.Forwarded.FirstUpstreamSentTimestamp == 0)
            feature.Forwarded.FirstUpstreamSentTimestamp = clock.GetTimestamp();
    }

    /// <summary>
    /// Azure serves a model as a deployment named by the model's <c>UpstreamModel</c>: <c>/v1/chat/completions</c>
    /// becomes <c>/openai/deployments/{deployment}/chat/completions</c> (and so for every OpenAI path).
    /// </summary>
    private PathString AzurePath()
    {
        var admitted = feature.Admitted;
        var deployment = admitted.CatalogModel?.UpstreamName ?? admitted.Model;
        var path = admitted.UpstreamPath;
        var rest = path.StartsWith("/v1/", StringComparison.Ordinal) ? path[3..] : path;
        return new PathString("/openai/deployments/" + deployment + rest);   // PathString escapes what needs it
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        // A 429/5xx with tries left goes to the next destination instead: copy nothing of it to the client.
        if (proxyResponse is { StatusCode: var status } && ((int)status is 429 or >= 500) && feature.Forwarded.RetriesLeft > 0)
        {
            feature.Forwarded.HeldBackStatus = (int)status;
            return false;
        }
        var upstreamAnswered = clock.GetTimestamp();
        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var headers = httpContext.Response.Headers;
        RemoveUpstreamCors(headers);
        if (headers.TryGetValue(RequestIdHeader, out var upstreamId))
            headers[UpstreamRequestIdHeader] = upstreamId;
        headers[RequestIdHeader] = feature.RequestId;
        // Arrival → first try sent, plus the served answer's headers → ours: the gateway's share of the wait.
        // Failed tries and the back-off between them are the upstream's (they were counted as the gateway's).
        var overhead = clock.GetElapsedTime(feature.ArrivalTimestamp, feature.Forwarded.FirstUpstreamSentTimestamp) + clock.GetElapsedTime(upstreamAnswered);
        headers[OverheadHeader] = overhead.TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        if (proxyResponse is not null)
        {
            feature.Forwarded.UpstreamStatus = (int)proxyResponse.StatusCode;
            feature.Forwarded.IsEventStream = proxyResponse.Content.Headers.ContentType?.MediaType == "text/event-stream";
            var content = proxyResponse.Content.Headers;
            var body = new UpstreamBody(feature.Forwarded.IsEventStream, proxyResponse.IsSuccessStatusCode, content.ContentLength,
                content.ContentType?.MediaType, content.ContentEncoding.LastOrDefault()?.ToLowerInvariant(), ApiKey);
            // A body whose bytes are masked for the credential changes length on the way.
            if (observer.Begin(body))
                httpContext.Response.ContentLength = null;
            if (feature.Forwarded.IsEventStream)
            {
                // Events may be withheld from a stream, so its length is no longer the upstream's.
                httpContext.Response.ContentLength = null;
                // YARP reads the body from this property after this transform: an upstream reset mid-stream
                // then ends the client's stream cleanly (YARP would abort the client's connection) and the
                // request is marked cut short, billed for what was delivered.
                proxyResponse.Content = new EndOnResetContent(proxyResponse.Content, feature.Forwarded);
            }
        }
        return copyBody;
    }

    /// <summary>
    /// Who may read a response from a browser is the gateway's decision (<c>Gateway:CorsOrigins</c>), not the
    /// upstream's: a provider's <c>Access-Control-Allow-Origin: *</c> would open every route to every site.
    /// </summary>
    private static void RemoveUpstreamCors(IHeaderDictionary headers)
    {
        List<string>? cors = null;
        foreach (var name in headers.Keys)
            if (name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))
                (cors ??= []).Add(name);
        foreach (var name in cors ?? [])
            headers.Remove(name);
    }
}
