using Gateway.Configuration;
using Gateway.Proxy;
using Gateway.Proxy.Forwarding;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Gateway.Proxy.RateLimits;

namespace Gateway.Api.Shared;

/// <summary>
/// SPEC §12: browsers from <c>Gateway:CorsOrigins</c> get CORS answers on the client routes, preflight
/// included (ASP.NET Core's CORS middleware answers the preflight itself, before any row or key check:
/// a browser sends no credentials with it). The operator and query APIs carry no CORS policy.
/// </summary>
internal static class ClientCors
{
    public const string Policy = "clients";

    /// <summary>Headers a browser client may read: ours and the rate-limit ones SDKs look at.</summary>
    private static readonly string[] ExposedHeaders =
    [
        UpstreamTransformer.RequestIdHeader, UpstreamTransformer.UpstreamRequestIdHeader, UpstreamTransformer.OverheadHeader,
        RateLimitHeaders.RetryAfter, RateLimitHeaders.LimitRequests, RateLimitHeaders.RemainingRequests,
        RateLimitHeaders.ResetRequests, RateLimitHeaders.LimitTokens, RateLimitHeaders.RemainingTokens,
    ];

    public static IServiceCollection AddClientCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<GatewayOptions>>((cors, gateway) => cors.AddPolicy(Policy, policy =>
        {
            var origins = gateway.Value.CorsOrigins;
            if (origins.Contains("*"))
                policy.AllowAnyOrigin();
            else
                policy.WithOrigins(origins);
            // SDKs send their own headers (x-stainless-*, anthropic-version, anthropic-beta): any header, any method.
            // Keys travel in headers, never cookies: no credentials mode.
            policy.AllowAnyHeader().AllowAnyMethod().WithExposedHeaders(ExposedHeaders).SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));
        return services;
    }
}
