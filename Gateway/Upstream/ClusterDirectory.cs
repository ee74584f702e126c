using System.Collections.Concurrent;
using Gateway.Proxy;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

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

    // Built once per cluster configuration: YARP replaces a cluster's and a destination's model objects
    // when their configuration changes, so the same model objects mean the same target.
    private readonly ConcurrentDictionary<string, (ClusterModel Model, KeyValuePair<string, DestinationModel>[] Destinations, UpstreamTarget Target)> _targets = new();

    public UpstreamTarget? Resolve(string clusterId)
    {
        if (!proxyState.TryGetCluster(clusterId, out var cluster))
            return null;
        if (_targets.TryGetValue(clusterId, out var known) && IsCurrent(known.Model, known.Destinations, cluster))
            return known.Target;
        var destinationModels = cluster.Destinations.Select(d => KeyValuePair.Create(d.Key, d.Value.Model)).ToArray();
        var target = Build(clusterId, cluster);
        if (target is not null)
            _targets[clusterId] = (cluster.Model, destinationModels, target);
        return target;
    }

    private static bool IsCurrent(ClusterModel model, KeyValuePair<string, DestinationModel>[] destinations, ClusterState cluster)
    {
        if (!ReferenceEquals(model, cluster.Model) || destinations.Length != cluster.Destinations.Count)
            return false;
        foreach (var (id, destination) in destinations)
        {
            if (!cluster.Destinations.TryGetValue(id, out var current) || !ReferenceEquals(current.Model, destination))
                return false;
        }
        return true;
    }

    private static UpstreamTarget? Build(string clusterId, ClusterState cluster)
    {
        if (cluster.Model.HttpClient is not { } client)
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
