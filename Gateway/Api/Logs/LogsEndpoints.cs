using Gateway.Api.Shared;
using Metering.Logs;
using Metering.Pricing;
using Metering.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Api.Logs;

/// <summary>The query API over the usage log (SPEC §7), scoped to the caller.</summary>
internal static class LogsEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    /// <summary>The window of <c>rpm</c> and <c>tpm</c>.</summary>
    public const long RateWindowMs = 60_000;

    private static readonly Dictionary<string, LogGrouping> Groupings = new()
    {
        ["model"] = LogGrouping.Model,
        ["token_name"] = LogGrouping.TokenName,
        ["group"] = LogGrouping.Group,
        ["hour"] = LogGrouping.Hour,
        ["day"] = LogGrouping.Day,
    };

    internal sealed record LogPageDto(IReadOnlyList<LogDto> Items, long Total, int Page, int PageSize);

    public static void MapLogsApi(this IEndpointRouteBuilder app)
    {
        var logs = app.MapGroup("/logs").WithTags("logs");
        logs.MapGet("", ListLogs).Produces<LogPageDto>().WithErrors();
        logs.MapGet("/{id:long}", GetLog).Produces<LogDto>().WithErrors();
        logs.MapGet("/stats", Stats).Produces<LogStatsDto>().WithErrors();
        logs.MapGet("/export", LogExport.ExportAsync)
            .Produces(200, contentType: LogExport.CsvContentType, additionalContentTypes: LogExport.NdjsonContentType).WithErrors();
    }

    private static RouteHandlerBuilder WithErrors(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces<ApiErrorDto>(400).Produces<ApiErrorDto>(401).Produces<ApiErrorDto>(404);

    private static async Task<IResult> ListLogs(HttpContext context, ILogReader logs, [AsParameters] LogFilterParameters filters,
        string? page, [FromQuery(Name = "page_size")] string? pageSize, [FromQuery(Name = "before_id")] string? beforeId)
    {
        if (await CallerScope.ResolveAsync(context) is not { } scope)
            return ApiErrors.Unauthorized();
        if (LogQueryParser.CheckNames(context.Request.Query, "page", "page_size", "before_id") is { } badName)
            return badName;
        var (query, error) = LogQueryParser.Parse(filters, scope);
        if (error is not null)
            return error;
        if (!LogQueryParser.TryParsePositive(page, 1, out var pageNumber))
            return ApiErrors.BadRequest("page", "must be a whole number of at least 1.");
        if (!LogQueryParser.TryParsePositive(pageSize, DefaultPageSize, out var size) || size > MaxPageSize)
            return ApiErrors.BadRequest("page_size", $"must be a whole number from 1 to {MaxPageSize}.");
        if (!LogQueryParser.TryParseRowId(beforeId, out var before))
            return ApiErrors.BadRequest("before_id", "must be a row id (a whole number of at least 1).");
        var (items, total) = await logs.PageAsync(query! with { BeforeId = before }, pageNumber, size);
        return Results.Ok(new LogPageDto(items.Select(LogDto.From).ToList(), total, pageNumber, size));
    }

    private static async Task<IResult> GetLog(long id, HttpContext context, ILogReader logs)
    {
        if (await CallerScope.ResolveAsync(context) is not { } scope)
            return ApiErrors.Unauthorized();
        // Outside the caller's scope is indistinguishable from absent: a 404, never a 403.
        return await logs.GetAsync(id, scope.AccountId) is { } row ? Results.Ok(LogDto.From(row)) : ApiErrors.NotFound($"log {id}");
    }

    private static async Task<IResult> Stats(HttpContext context, ILogReader logs, TimeProvider clock,
        [AsParameters] LogFilterParameters filters, [FromQuery(Name = "group_by")] string? groupBy)
    {
        if (await CallerScope.ResolveAsync(context) is not { } scope)
            return ApiErrors.Unauthorized();
        if (LogQueryParser.CheckNames(context.Request.Query, "group_by") is { } badName)
            return badName;
        var (query, error) = LogQueryParser.Parse(filters, scope);
        if (error is not null)
            return error;
        var grouping = LogGrouping.None;
        if (LogQueryParser.Text(groupBy) is { } name && !Groupings.TryGetValue(name, out grouping))
            return ApiErrors.BadRequest("group_by", $"must be one of {string.Join(", ", Groupings.Keys)}.");

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var stats = await logs.StatsAsync(query!, now);
        var groups = grouping == LogGrouping.None ? null : Order(await logs.GroupAsync(query!, grouping)).Select(LogGroupDto.From).ToList();
        return Results.Ok(new LogStatsDto(
            NanoUsd.ToUsd(stats.Range.SpendNano), stats.Range.Requests, stats.Range.InputTokens, stats.Range.OutputTokens,
            stats.LastMinute.Requests, stats.LastMinute.InputTokens + stats.LastMinute.OutputTokens,
            query!.Type ?? LogType.Consume,
            new TimeWindowDto(Format(query.StartMs), Format(query.EndMs)),
            new TimeWindowDto(LogDto.FormatTime(now - RateWindowMs), LogDto.FormatTime(now)),
            LogQueryParser.Text(groupBy), groups));
    }

    // Time groups in time order; the others biggest spend first.
    private static IEnumerable<LogGroupStats> Order(IReadOnlyList<LogGroupStats> groups) =>
        groups.Any(g => g.BucketMs is not null)
            ? groups.OrderBy(g => g.BucketMs)
            : groups.OrderByDescending(g => g.Totals.SpendNano).ThenByDescending(g => g.Totals.Requests).ThenBy(g => g.Key, StringComparer.Ordinal);

    private static string? Format(long? unixMs) => unixMs is { } ms ? LogDto.FormatTime(ms) : null;
}
