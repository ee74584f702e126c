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
    public const string PriorityMetadata = "Priority";
    public const string WeightMetadata = "Weight";

    /// <summary>Wire format of the cluster: <c>openai</c>, <c>anthropic</c>, <c>azure</c> or <c>gemini</c>. Default: anthropic when the cluster id says so.</summary>
    public const string FormatMetadata = "Format";

    public const string AnthropicFormat = "anthropic";

    /// <summary>Google's native API: <c>/v1beta/models/{UpstreamModel}:generateContent</c> with an <c>x-goog-api-key</c> header.</summary>
    public const string GeminiFormat = "gemini";

    /// <summary>Azure OpenAI: OpenAI's wire format on Azure's paths (<c>/openai/deployments/{UpstreamModel}/…?api-version=</c>) with an <c>api-key</c> header.</summary>
    public const string AzureFormat = "azure";
    public const string ApiVersionMetadata = "ApiVersion";

    /// <summary>Azure OpenAI's current GA data-plane version, when a cluster names none.</summary>
    public const string DefaultAzureApiVersion = "2024-10-21";

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
        var target = Build(clusterId, model, destinations);
        if (target is not null)
            _targets[clusterId] = (model, destinations, target);
        return target;
    }

    private static UpstreamTarget? Build(string clusterId, ClusterModel model, ClusterDestinationsState state)
    {
        var all = state.AllDestinations;
        var available = state.AvailableDestinations.ToHashSet();
        if (model.HttpClient is not { } client)
            return null;
        var metadata = model.Config.Metadata;
        var clusterKey = metadata?.GetValueOrDefault(ApiKeyMetadata);
        // Lowest priority first; "default" first among equals, then by id (a stable order for retries).
        var destinations = all
            .Select(d => Destination(d, clusterKey, available.Contains(d)))
            .OrderBy(d => d.Priority).ThenBy(d => d.Id == "default" ? 0 : 1).ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToArray();
        if (destinations.Length == 0)
            return null;
        return new UpstreamTarget(
            clusterId,
            destinations,
            client,
            WithDefaultTimeout(model.Config.HttpRequest),
            DialectOf(clusterId, metadata),
            clusterKey,
            metadata?.GetValueOrDefault(OrganizationMetadata),
            metadata?.GetValueOrDefault(ProjectMetadata),
            string.Equals(metadata?.GetValueOrDefault(FormatMetadata), AzureFormat, StringComparison.OrdinalIgnoreCase)
                ? metadata?.GetValueOrDefault(ApiVersionMetadata) is { Length: > 0 } version ? version : DefaultAzureApiVersion
                : null);
    }

    /// <summary>A destination's metadata, checked at start (<see cref="Configuration.DestinationMetadataValidator"/>).</summary>
    private static UpstreamDestination Destination(DestinationState destination, string? clusterKey, bool available)
    {
        var metadata = destination.Model.Config.Metadata;
        return new UpstreamDestination(destination.DestinationId, destination.Model.Config.Address,
            metadata?.GetValueOrDefault(ApiKeyMetadata) is { Length: > 0 } own ? own : clusterKey,
            int.TryParse(metadata?.GetValueOrDefault(PriorityMetadata), out var priority) ? priority : 0,
            int.TryParse(metadata?.GetValueOrDefault(WeightMetadata), out var weight) && weight > 0 ? weight : 1,
            available);
    }

    /// <summary>
    /// YARP's activity timeout (no byte from the upstream for this long: before the response headers, or
    /// between reads of the body) defaults to 100 s; the official SDKs wait 10 minutes, and a reasoning
    /// model may think for minutes before its first byte. Ours defaults to theirs.
    /// </summary>
    public static readonly TimeSpan DefaultActivityTimeout = TimeSpan.FromMinutes(10);

    private static ForwarderRequestConfig WithDefaultTimeout(ForwarderRequestConfig? config) =>
        (config ?? ForwarderRequestConfig.Empty) is var c && c.ActivityTimeout is null ? c with { ActivityTimeout = DefaultActivityTimeout } : c;

    private static ClientDialect DialectOf(string clusterId, IReadOnlyDictionary<string, string>? metadata)
    {
        var format = metadata?.GetValueOrDefault(FormatMetadata);
        if (format is null)
            return clusterId.Contains(AnthropicFormat, StringComparison.OrdinalIgnoreCase) ? ClientDialect.Anthropic : ClientDialect.OpenAI;
        return format.Equals(AnthropicFormat, StringComparison.OrdinalIgnoreCase) ? ClientDialect.Anthropic
            : format.Equals(GeminiFormat, StringComparison.OrdinalIgnoreCase) ? ClientDialect.Gemini
            : ClientDialect.OpenAI;
    }
}
