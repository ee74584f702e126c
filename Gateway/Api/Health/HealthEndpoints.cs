using Gateway.Cluster;
using Metering.Ledger;
using Metering.Storage;
using Microsoft.Extensions.Options;

namespace Gateway.Api.Health;

/// <summary>
/// <c>GET /healthz</c>: 200 when the store answers and its writer runs; still 200, but <c>degraded</c> with
/// the reason, while a configured Redis is unreachable (the gateway serves, its limits per instance or refused).
/// </summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app) => app.MapGet("/healthz", async (IStoreEngine store, LedgerWriter writer, RedisLink redis, IOptions<Cluster.ClusterOptions> cluster) =>
    {
        if (!writer.IsRunning)
            return Results.Json(new { status = "unhealthy", reason = "the log writer is not running" }, statusCode: 503);
        if (writer.Health.Failure is { } failure)
            return Results.Json(new { status = "unhealthy", reason = failure }, statusCode: 503);
        try
        {
            await store.PingAsync();
        }
        catch (Exception ex)
        {
            return Results.Json(new { status = "unhealthy", reason = $"the store does not answer: {ex.Message}" }, statusCode: 503);
        }
        if (redis.IsConfigured && redis.DownReason is { } down)
            return Results.Ok(new
            {
                status = "degraded",
                reason = $"Redis is unreachable ({down}): keys with rate limits are "
                    + (cluster.Value.RefuseWhenRedisDown ? "refused (503)" : "limited by this instance alone") + ", and changes made elsewhere arrive late",
                queue_depth = writer.QueueDepth,
            });
        return Results.Ok(new { status = "ok", queue_depth = writer.QueueDepth });
    });
}
