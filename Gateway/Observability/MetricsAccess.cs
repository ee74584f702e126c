using Gateway.Api.Shared;
using Gateway.Auth;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Observability;

/// <summary>
/// Keeps <c>GET /metrics</c> closed (SPEC §9): model names, spend and upstream health are the operator's.
/// It answers <c>Authorization: Bearer</c> with the admin key or <c>Gateway:MetricsKey</c>, anyone when
/// <c>Gateway:PublicMetrics</c> is true, and a JSON 401 otherwise.
/// </summary>
internal static class MetricsAccess
{
    public const string Path = "/metrics";

    public static IApplicationBuilder UseMetricsAccess(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (context, next) =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            if (options.PublicMetrics || IsAllowed(Credentials.Bearer(context.Request), options, context.RequestServices.GetRequiredService<AdminGuard>()))
            {
                await next(context);
                return;
            }
            await ApiErrors.Error(401, "invalid_api_key",
                "GET /metrics needs 'Authorization: Bearer <key>' with the admin key or Gateway:MetricsKey (or set Gateway:PublicMetrics to true).")
                .ExecuteAsync(context);
        }));

    private static bool IsAllowed(string? secret, GatewayOptions options, AdminGuard guard) =>
        secret is not null && (guard.IsAdmin(secret)
            || (!string.IsNullOrEmpty(options.MetricsKey) && ApiKeySecret.FixedTimeEquals(secret, options.MetricsKey)));
}
