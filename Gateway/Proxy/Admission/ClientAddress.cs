using System.Net;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Proxy.Admission;

/// <summary>The client's IP: the TCP peer, or the nearest <c>X-Forwarded-For</c> hop when the peer is a trusted proxy.</summary>
internal sealed class ClientAddress(IOptions<GatewayOptions> options)
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    private readonly HashSet<IPAddress> _trusted = options.Value.TrustedProxies
        .Select(p => IPAddress.TryParse(p, out var ip) ? Normalize(ip) : null)
        .OfType<IPAddress>()
        .ToHashSet();

    public string? Resolve(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress;
        if (peer is null)
            return null;
        if (_trusted.Contains(Normalize(peer)))
        {
            // The right-most entry was added by the trusted proxy itself; left of it is client-supplied.
            var forwarded = context.Request.Headers[ForwardedForHeader].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (forwarded.Length > 0 && IPAddress.TryParse(forwarded[^1], out var client))
                return Normalize(client).ToString();
        }
        return Normalize(peer).ToString();
    }

    private static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
}
