using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Upstream;

/// <summary>
/// One try at the upstream. <see cref="Retryable"/> only when nothing reached the client yet and the
/// failure is one another try may cure: no connection, or a 429/5xx answer held back by the transformer.
/// <see cref="Failed"/> counts against the destination's breaker (its health): those, and a 401/403, which says
/// the destination's credential is refused (passed to the client, but the destination is left out once its
/// breaker opens).
/// </summary>
internal sealed record UpstreamAttempt(string Destination, int? Status, ForwarderError Error, bool Retryable)
{
    public bool Failed => Error != ForwarderError.None || Status is 401 or 403 or 429 or >= 500;
}
