using Gateway.Proxy;

namespace Gateway.Upstream;

/// <summary>
/// Sees each upstream exchange below YARP. An event stream's body is wrapped so that an upstream
/// reset mid-stream ends the client's stream cleanly (YARP would otherwise abort the client's
/// connection) while the request is marked cut short and billed for what was delivered.
/// </summary>
internal sealed class UpstreamResponseHandler : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<MeteringFeature> FeatureKey = new("gateway.metering");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Options.TryGetValue(FeatureKey, out var feature)
            && response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            response.Content = new EndOnResetContent(response.Content, feature);
        }
        return response;
    }
}
