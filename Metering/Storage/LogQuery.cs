namespace Metering.Storage;

/// <summary>
/// Which log rows a read covers: a time range (unix-ms, start inclusive, end exclusive) and equality
/// filters. Null means "any". <see cref="ScopeAccountId"/> is the caller's own account (key holders);
/// <see cref="AccountId"/> is the operator's filter: both apply when both are set.
/// </summary>
public sealed record LogQuery
{
    public long? StartMs { get; init; }
    public long? EndMs { get; init; }
    public string? Type { get; init; }
    public string? Group { get; init; }
    public string? TokenName { get; init; }
    public string? Model { get; init; }
    public long? AccountId { get; init; }
    public long? ScopeAccountId { get; init; }

    /// <summary>
    /// Keyset paging: only rows after this row in newest-first order (older by <c>(time, id)</c>), so a deep
    /// page costs what the first does. A row outside the caller's scope, or absent, matches nothing. Pages
    /// only: totals, aggregates and exports ignore it.
    /// </summary>
    public long? BeforeId { get; init; }
}

/// <summary>The dimensions a log read can group by (the <c>group_by</c> values).</summary>
public enum LogGrouping
{
    None,
    Model,
    TokenName,
    Group,
    Hour,
    Day,
}
