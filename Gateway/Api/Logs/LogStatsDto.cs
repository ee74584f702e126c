using Metering.Pricing;
using Metering.Storage;

namespace Gateway.Api.Logs;

/// <summary>
/// <c>GET /logs/stats</c>: sums over <see cref="Range"/>, rates over <see cref="RateWindow"/> (the last
/// minute; the answer says so rather than mixing the two silently), and with <c>group_by</c> one line
/// per group.
/// </summary>
internal sealed record LogStatsDto(
    decimal Spend,
    long Requests,
    long InputTokens,
    long OutputTokens,
    long Rpm,
    long Tpm,
    string Type,
    TimeWindowDto Range,
    TimeWindowDto RateWindow,
    string? GroupBy,
    IReadOnlyList<LogGroupDto>? Groups);

/// <summary>A time window; <c>null</c> ends are open.</summary>
internal sealed record TimeWindowDto(string? Start, string? End);

/// <summary>One group: its value (a model, token name, group, or the start of the hour or UTC day) and its figures.</summary>
internal sealed record LogGroupDto(
    string Key,
    decimal Spend,
    long Requests,
    long InputTokens,
    long OutputTokens,
    long? DurationMsP50,
    long? DurationMsP95,
    long? FirstTokenMsP50,
    long? FirstTokenMsP95)
{
    public static LogGroupDto From(LogGroupStats g) => new(
        g.BucketMs is { } bucket ? LogDto.FormatTime(bucket) : g.Key ?? "",
        NanoUsd.ToUsd(g.Totals.SpendNano), g.Totals.Requests, g.Totals.InputTokens, g.Totals.OutputTokens,
        g.Duration.P50, g.Duration.P95, g.FirstToken.P50, g.FirstToken.P95);
}
