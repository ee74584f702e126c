using Gateway.Proxy;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Upstream;

/// <summary>
/// Reads YARP's own view of the <c>ReverseProxy:Clusters</c> section: destinations, the per-cluster
/// HttpMessageInvoker and request settings, and our metadata (<c>ApiKey</c>, <c>Format</c>).
/// </summary>
internal sealed class ClusterDirectory(IProxyStateLookup proxyState)
{
    public const string ApiKeyMetadata = "ApiKey";

    /// <summary>Wire format of the cluster: <c>openai</c> or <c>anthropic</c>. Default: anthropic when the cluster id says so.</summary>
    public const string FormatMetadata = "Format";

    public UpstreamTarget? Resolve(string clusterId)
    {
        if (!proxyState.TryGetCluster(clusterId, out var cluster) || cluster.Model.HttpClient is not { } client)
            return null;
        // "default" first, the others (fallbacks for retries) in configuration order.
        var destinations = cluster.Destinations.Values
            .OrderBy(d => d.DestinationId == "default" ? 0 : 1).ThenBy(d => d.DestinationId, StringComparer.Ordinal)
            .Select(d => new UpstreamDestination(d.DestinationId, d.Model.Config.Address))
            .ToArray();
        if (destinations.Length == 0)
            return null;
        var metadata = cluster.Model.Config.Metadata;
        return new UpstreamTarget(
            clusterId,
            destinations,
            client,
            cluster.Model.Config.HttpRequest ?? ForwarderRequestConfig.Empty,
            DialectOf(clusterId, metadata),
            metadata?.GetValueOrDefault(ApiKeyMetadata));
    }

    private static ClientDialect DialectOf(string clusterId, IReadOnlyDictionary<string, string>? metadata)
    {
        var format = metadata?.GetValueOrDefault(FormatMetadata);
        if (format is not null)
            return format.Equals("anthropic", StringComparison.OrdinalIgnoreCase) ? ClientDialect.Anthropic : ClientDialect.OpenAI;
        return clusterId.Contains("anthropic", StringComparison.OrdinalIgnoreCase) ? ClientDialect.Anthropic : ClientDialect.OpenAI;
    }
}
