using Gateway.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Upstream;

/// <summary>One destination of a cluster: its id (for breakers and the row) and its address.</summary>
internal sealed record UpstreamDestination(string Id, string Prefix);

/// <summary>
/// Where one request may go: a YARP cluster's destinations, its client and its credential, and the
/// OpenAI organization and project billed upstream (the operator's, never the client's).
/// </summary>
internal sealed record UpstreamTarget(
    string ClusterId,
    IReadOnlyList<UpstreamDestination> Destinations,
    HttpMessageInvoker Client,
    ForwarderRequestConfig RequestConfig,
    ClientDialect Dialect,
    string? ApiKey,
    string? Organization = null,
    string? Project = null);
