using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Fakes;

/// <summary>A loopback port nobody listens on right now, for a server that must be told its port.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
