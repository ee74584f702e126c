using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Upstream;

/// <summary>
/// SPEC §9, what of the client's request headers reaches an upstream, made of YARP's own transforms:
/// the destination's <c>Host</c> (and so its TLS server name; the client's would be refused by a
/// provider's edge), no hop-by-hop header nor any header named in <c>Connection</c>, none of the
/// client's credentials or billing headers, and no <c>X-Forwarded-*</c> (a client's address is not
/// the provider's business). Everything else a client sends (<c>anthropic-beta</c>, ...) goes on.
/// </summary>
internal sealed class UpstreamRequestHeaders(ITransformBuilder builder)
{
    /// <summary>The client's credentials and the headers that pick who is billed upstream: the operator's key decides.</summary>
    public static readonly string[] NeverForwarded =
    [
        HeaderNames.Authorization, "x-api-key", "api-key", Gateway.Auth.Credentials.GoogleApiKeyHeader, HeaderNames.Cookie,
        "OpenAI-Organization", "OpenAI-Project",
    ];

    /// <summary>Copies the client's headers onto the upstream request, less the ones above.</summary>
    public HttpTransformer Transformer { get; } = builder.Create(context =>
    {
        context.UseDefaultForwarders = false;
        context.AddOriginalHost(false);
        foreach (var header in NeverForwarded)
            context.AddRequestHeaderRemove(header);
        context.RequestTransforms.Add(new RemoveHeadersNamedInConnection());
    });

    /// <summary>RFC 9110 §7.6.1: a header the client names in <c>Connection</c> is hop-by-hop, for us alone.</summary>
    private sealed class RemoveHeadersNamedInConnection : RequestTransform
    {
        public override ValueTask ApplyAsync(RequestTransformContext context)
        {
            foreach (var name in context.HttpContext.Request.Headers.GetCommaSeparatedValues(HeaderNames.Connection))
            {
                context.ProxyRequest.Headers.Remove(name);
                context.ProxyRequest.Content?.Headers.Remove(name);
            }
            return default;
        }
    }
}
