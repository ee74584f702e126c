using Metering.Logs;

namespace Metering.Storage;

/// <summary>Reads of the usage log (<c>/logs</c>, stats, export): every row committed before the read is seen.</summary>
public interface ILogReader
{
    Task<LogRecord?> GetAsync(long id, long? accountScope);

    /// <summary>
    /// The row of the call that created a stored response (its <c>details.response_id</c>), when
    /// <paramref name="accountId"/> made that call; null for an unknown id and for every other account alike.
    /// </summary>
    Task<LogRecord?> FindResponseCreatorAsync(string responseId, long accountId);

    /// <summary>One page, newest first, and the number of rows matching; both from one snapshot.</summary>
    Task<(IReadOnlyList<LogRecord> Items, long Total)> PageAsync(LogQuery query, int page, int pageSize);

    /// <summary>Sums over the query's range and over the minute before <paramref name="nowMs"/>; <c>consume</c> rows unless the query names a type.</summary>
    Task<LogStats> StatsAsync(LogQuery query, long nowMs);

    /// <summary>One line per group with sums and latency percentiles; <c>consume</c> rows unless the query names a type.</summary>
    Task<IReadOnlyList<LogGroupStats>> GroupAsync(LogQuery query, LogGrouping grouping);

    /// <summary>Every matching row, newest first, read as it is consumed (memory stays flat).</summary>
    IAsyncEnumerable<LogRecord> ExportAsync(LogQuery query, CancellationToken cancellationToken = default);
}
