using Yarp.ReverseProxy.Configuration;

namespace Gateway.Upstream;

/// <summary>
/// Turns on passive health for every cluster that does not configure health checks itself, under
/// <see cref="BreakerHealthPolicy"/>: YARP counts a destination's passive health in its available
/// destinations only when passive (or active) checks are enabled for the cluster.
/// </summary>
internal sealed class PassiveHealthConfigFilter : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.HealthCheck?.Passive is not null || cluster.HealthCheck?.Active?.Enabled == true)
            return ValueTask.FromResult(cluster);
        var passive = new PassiveHealthCheckConfig { Enabled = true, Policy = BreakerHealthPolicy.PolicyName };
        return ValueTask.FromResult(cluster with { HealthCheck = (cluster.HealthCheck ?? new HealthCheckConfig()) with { Passive = passive } });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);
}
