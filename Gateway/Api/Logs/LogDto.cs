using System.Globalization;
using Metering.Logs;
using Metering.Pricing;

namespace Gateway.Api.Logs;

/// <summary>A log row on the wire (SPEC §6): USD as a decimal, time as RFC 3339 UTC with milliseconds.</summary>
internal sealed record LogDto(
    long Id,
    string RequestId,
    string Time,
    string Type,
    long? AccountId,
    string TokenName,
    string Group,
    string Model,
    string Path,
    int Status,
    bool Stream,
    long? DurationMs,
    long? FirstTokenMs,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    long CacheWriteTokens,
    decimal Spend,
    string? Ip,
    string? Message,
    LogDetails? Details)
{
    public static LogDto From(LogRecord r) => new(
        r.Id, r.RequestId, FormatTime(r.TimeMs), r.Type, r.AccountId, r.TokenName, r.Grp, r.Model, r.Path, r.Status,
        r.Stream, r.DurationMs, r.FirstTokenMs, r.InputTokens, r.OutputTokens, r.CachedTokens, r.CacheWriteTokens,
        NanoUsd.ToUsd(r.SpendNano), r.Ip, r.Message, LogDetails.FromJson(r.Details));

    public static string FormatTime(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
