using Metering.Storage;

namespace Gateway.Api;

/// <summary>The query API over the usage log (SPEC §7), scoped to the caller.</summary>
internal static class LogsEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public static void MapLogsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/logs", ListLogs);
        app.MapGet("/logs/{id:long}", GetLog);
    }

    private static async Task<IResult> ListLogs(HttpContext context, LogStore logs, string? page, string? page_size)
    {
        if (await CallerScope.ResolveAsync(context) is not { } scope)
            return ApiErrors.Unauthorized();
        if (!TryParsePositive(page, 1, out var pageNumber))
            return ApiErrors.BadRequest("page", "must be a whole number of at least 1.");
        if (!TryParsePositive(page_size, DefaultPageSize, out var size) || size > MaxPageSize)
            return ApiErrors.BadRequest("page_size", $"must be a whole number from 1 to {MaxPageSize}.");
        var (items, total) = await logs.PageAsync(scope.AccountId, pageNumber, size);
        return Results.Ok(new { items = items.Select(LogDto.From), total, page = pageNumber, page_size = size });
    }

    private static async Task<IResult> GetLog(long id, HttpContext context, LogStore logs)
    {
        if (await CallerScope.ResolveAsync(context) is not { } scope)
            return ApiErrors.Unauthorized();
        // Outside the caller's scope is indistinguishable from absent: a 404, never a 403.
        return await logs.GetAsync(id, scope.AccountId) is { } row ? Results.Ok(LogDto.From(row)) : ApiErrors.NotFound($"log {id}");
    }

    private static bool TryParsePositive(string? text, int fallback, out int value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }
        return int.TryParse(text, out value) && value >= 1;
    }
}
