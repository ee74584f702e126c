using System.Globalization;
using Gateway.Api.Shared;
using Metering.Logs;
using Metering.Storage;

namespace Gateway.Api.Logs;

/// <summary>
/// Turns query-string parameters into a <see cref="LogQuery"/>. Anything it cannot use exactly is a 400
/// naming the parameter: unknown or repeated names, unparseable times, unknown types. Free-text
/// filters are taken as they are (they only ever become SQL parameters).
/// </summary>
internal static class LogQueryParser
{
    // Earliest and latest times accepted, in unix seconds: years 1970 to 9999.
    private const long MaxUnixSeconds = 253_402_300_799;

    public static IResult? CheckNames(IQueryCollection query, params string[] extra)
    {
        foreach (var (name, values) in query)
        {
            if (!LogFilterParameters.Names.Contains(name) && !extra.Contains(name))
                return ApiErrors.BadRequest(name, $"is not a parameter of this call; known: {string.Join(", ", LogFilterParameters.Names.Concat(extra))}.");
            if (values.Count > 1)
                return ApiErrors.BadRequest(name, "is given more than once.");
        }
        return null;
    }

    public static (LogQuery? Query, IResult? Error) Parse(LogFilterParameters p, CallerScope scope)
    {
        if (!TryParseTime(p.Start, out var start))
            return (null, ApiErrors.BadRequest("start", "must be an RFC 3339 time (2025-01-31T12:00:00Z) or unix seconds."));
        if (!TryParseTime(p.End, out var end))
            return (null, ApiErrors.BadRequest("end", "must be an RFC 3339 time (2025-01-31T12:00:00Z) or unix seconds."));
        if (start is not null && end is not null && end <= start)
            return (null, ApiErrors.BadRequest("end", "must be after start (start is inclusive, end exclusive)."));
        var type = Text(p.Type);
        if (type is not null && !LogType.IsKnown(type))
            return (null, ApiErrors.BadRequest("type", $"must be one of {LogType.Consume}, {LogType.Error}, {LogType.System}."));
        long? accountId = null;
        if (Text(p.AccountId) is { } accountText)
        {
            if (!long.TryParse(accountText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
                return (null, ApiErrors.BadRequest("account_id", "must be a whole number of at least 1."));
            accountId = id;
        }
        return (new LogQuery
        {
            StartMs = start,
            EndMs = end,
            Type = type,
            Group = Text(p.Group),
            TokenName = Text(p.TokenName),
            Model = Text(p.Model),
            AccountId = accountId,
            ScopeAccountId = scope.AccountId,
        }, null);
    }

    public static bool TryParsePositive(string? text, int fallback, out int value)
    {
        value = fallback;
        return Text(text) is not { } given
            || (int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1);
    }

    /// <summary>A row id (a whole number of at least 1), or null when not given.</summary>
    public static bool TryParseRowId(string? text, out long? id)
    {
        id = null;
        if (Text(text) is not { } given)
            return true;
        if (!long.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            return false;
        id = value;
        return true;
    }

    /// <summary>An empty parameter (<c>model=</c>, as forms send) means "not given".</summary>
    public static string? Text(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool TryParseTime(string? text, out long? unixMs)
    {
        unixMs = null;
        if (Text(text) is not { } given)
            return true;
        if (long.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            unixMs = seconds <= MaxUnixSeconds ? seconds * 1000 : null;
            return unixMs is not null;
        }
        // An unencoded '+' of an offset arrives as a space (form encoding): take it back.
        foreach (var candidate in new[] { given, given.Replace(' ', '+') })
        {
            if (DateTimeOffset.TryParse(candidate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                && time.ToUnixTimeMilliseconds() >= 0)
            {
                unixMs = time.ToUnixTimeMilliseconds();
                return true;
            }
        }
        return false;
    }
}
