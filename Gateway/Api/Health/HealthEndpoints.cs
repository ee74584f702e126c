using Metering.Ledger;
using Metering.Storage;

namespace Gateway.Api.Health;

/// <summary><c>GET /healthz</c>: 200 when the store answers and its writer runs.</summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app) => app.MapGet("/healthz", async (IStoreEngine store, LedgerWriter writer) =>
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
        return Results.Ok(new { status = "ok", queue_depth = writer.QueueDepth });
    });
}
