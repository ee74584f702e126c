using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Upstream;

/// <summary>
/// One try at the upstream. <see cref="Retryable"/> only when nothing reached the client yet and the
/// failure is one another try may cure: no connection, or a 429/5xx answer held back by the transformer.
/// </summary>
internal sealed record UpstreamAttempt(string Destination, int? Status, ForwarderError Error, bool Retryable)
{
    public bool Failed => Error != ForwarderError.None || Status is 429 or >= 500;
}
