using Gateway.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Upstream;

/// <summary>Where one request goes: a destination of a YARP cluster, its client and its credential.</summary>
internal sealed record UpstreamTarget(
    string ClusterId,
    string DestinationPrefix,
    HttpMessageInvoker Client,
    ForwarderRequestConfig RequestConfig,
    ClientDialect Dialect,
    string? ApiKey);
