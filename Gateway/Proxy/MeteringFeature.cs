using Gateway.Proxy.Admission;
using Gateway.Proxy.Forwarding;

namespace Gateway.Proxy;

/// <summary>
/// Everything one metered request learns on its way through the pipeline, in one place on
/// <c>HttpContext.Features</c>, grouped by the stage that writes it; finishing turns it into the
/// request's single log row.
/// </summary>
internal sealed class MeteringFeature(string requestId, ProxyRoute route, TimeProvider clock)
{
    public string RequestId { get; } = requestId;
    public ProxyRoute Route { get; } = route;
    public long ArrivalTimestamp { get; } = clock.GetTimestamp();
    public long ArrivalUnixMs { get; } = clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Written by admission: who calls, what for, at what price (filled as far as it got when refused).</summary>
    public AdmittedRequest Admitted { get; } = new();

    /// <summary>Written by forwarding: the tries and what the response turned out to be.</summary>
    public ForwardedResponse Forwarded { get; } = new();

    /// <summary>Set when the gateway answered itself (any stage); the row is then an <c>error</c> row.</summary>
    public Refusal? Refusal { get; set; }
}
