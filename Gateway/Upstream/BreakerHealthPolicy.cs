using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gateway.Upstream;

/// <summary>
/// The passive health policy every cluster runs under (<see cref="PassiveHealthConfigFilter"/>). YARP calls
/// passive policies from its own proxy pipeline, which the gateway does not use: it forwards each try
/// through <c>IHttpForwarder</c> itself (<see cref="UpstreamResilience"/>), so there is nothing to do per
/// request here. The destinations' passive health is set by the gateway's breakers instead, through
/// YARP's <see cref="IDestinationHealthUpdater"/>: YARP's destination state stays the one list of who is out.
/// </summary>
internal sealed class BreakerHealthPolicy : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "GatewayBreakers";

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
    }
}
