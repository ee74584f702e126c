using Gateway.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Upstream;

/// <summary>
/// One destination of a cluster (SPEC §11): its id (for breakers and the row), its address, its own credential
/// (else the cluster's), and its place in the cluster's traffic: the lowest <see cref="Priority"/> serves while any
/// of its destinations is healthy, shared among them in proportion to <see cref="Weight"/>.
/// </summary>
/// <param name="Available">Whether YARP counts it among the cluster's available destinations (its passive health,
/// which the breakers set, is not unhealthy): the target is rebuilt whenever that changes.</param>
internal sealed record UpstreamDestination(string Id, string Prefix, string? ApiKey = null, int Priority = 0, int Weight = 1, bool Available = true);

/// <summary>
/// Where one request may go: a YARP cluster's destinations, its client and its credential (a destination's own
/// replaces it), and the
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
    string? Project = null,
    string? AzureApiVersion = null)
{
    /// <summary>Azure OpenAI (cluster <c>Metadata:Format</c> <c>azure</c>): OpenAI's bodies, its own paths and key header.</summary>
    public bool IsAzure => AzureApiVersion is not null;
}
