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
    public const string OrganizationMetadata = "Organization";
    public const string ProjectMetadata = "Project";

    /// <summary>Wire format of the cluster: <c>openai</c> or <c>anthropic</c>. Default: anthropic when the cluster id says so.</summary>
    public const string FormatMetadata = "Format";

    // Built once per cluster configuration. YARP replaces a cluster's model object when its configuration
    // changes, and its DestinationsState object whenever a destination is added, removed or changed (or
    // its health changes), after the destination models: the same two objects mean the same target.
    // Comparing the two references is the whole check a request pays (walking the destinations took the
    // ConcurrentDictionary's every lock, for its Count).
    private readonly ConcurrentDictionary<string, (ClusterModel Model, ClusterDestinationsState Destinations, UpstreamTarget Target)> _targets = new();

    public UpstreamTarget? Resolve(string clusterId)
    {
        if (!proxyState.TryGetCluster(clusterId, out var cluster))
            return null;
        var (model, destinations) = (cluster.Model, cluster.DestinationsState);
        if (_targets.TryGetValue(clusterId, out var known) && ReferenceEquals(known.Model, model) && ReferenceEquals(known.Destinations, destinations))
            return known.Target;
        var target = Build(clusterId, model, destinations.AllDestinations);
        if (target is not null)
            _targets[clusterId] = (model, destinations, target);
        return target;
    }

    private static UpstreamTarget? Build(string clusterId, ClusterModel model, IReadOnlyList<DestinationState> all)
    {
        if (model.HttpClient is not { } client)
            return null;
        // "default" first, the others (fallbacks for retries) in configuration order.
        var destinations = all
            .OrderBy(d => d.DestinationId == "default" ? 0 : 1).ThenBy(d => d.DestinationId, StringComparer.Ordinal)
            .Select(d => new UpstreamDestination(d.DestinationId, d.Model.Config.Address))
            .ToArray();
        if (destinations.Length == 0)
            return null;
        var metadata = model.Config.Metadata;
        return new UpstreamTarget(
            clusterId,
            destinations,
            client,
            model.Config.HttpRequest ?? ForwarderRequestConfig.Empty,
            DialectOf(clusterId, metadata),
            metadata?.GetValueOrDefault(ApiKeyMetadata),
            metadata?.GetValueOrDefault(OrganizationMetadata),
            metadata?.GetValueOrDefault(ProjectMetadata));
    }

    private static ClientDialect DialectOf(string clusterId, IReadOnlyDictionary<string, string>? metadata)
    {
        var format = metadata?.GetValueOrDefault(FormatMetadata);
        if (format is not null)
            return format.Equals("anthropic", StringComparison.OrdinalIgnoreCase) ? ClientDialect.Anthropic : ClientDialect.OpenAI;
        return clusterId.Contains("anthropic", StringComparison.OrdinalIgnoreCase) ? ClientDialect.Anthropic : ClientDialect.OpenAI;
    }
}
