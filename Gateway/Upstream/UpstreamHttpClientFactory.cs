using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Upstream;

/// <summary>YARP's per-cluster client, with our handler between the forwarder and the socket.</summary>
internal sealed class UpstreamHttpClientFactory : ForwarderHttpClientFactory
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new UpstreamResponseHandler { InnerHandler = base.WrapHandler(context, handler) };
}
