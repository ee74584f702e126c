using Metering.Storage.Aggregates;
using System.Runtime.CompilerServices;
using Dapper;
using Metering.Logs;
using Metering.Storage.Sqlite.Engine;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// Reads usage-log rows on connections of their own, after moving the inbox's rows to the log: a read
/// sees every row committed before it while the store is writable (see <see cref="LogInbox.MoveBeforeReadAsync"/>).
/// </summary>
public sealed class SqliteLogReader(SqliteDatabase database, LogInbox inbox) : ILogReader
{
    public async Task<LogRecord?> GetAsync(long id, long? accountScope)
    {
        await inbox.MoveBeforeReadAsync();
        await using var connection = await database.OpenAsync();
        var parameters = new DynamicParameters();
        return await connection.QuerySingleOrDefaultAsync<LogRecord>(LogQueries.Get(id, accountScope, parameters), parameters);
    }

    public async Task<LogRecord?> FindResponseCreatorAsync(string responseId, long accountId)
    {
        await inbox.MoveBeforeReadAsync();
        await using var connection = await database.OpenAsync();
        var parameters = new DynamicParameters();
        return await connection.QuerySingleOrDefaultAsync<LogRecord>(LogQueries.ResponseCreator(responseId, accountId, parameters), parameters);
    }

    /// <summary>One page, newest first, and the number of rows matching; both from one snapshot.</summary>
    public async Task<(IReadOnlyList<LogRecord> Items, long Total)> PageAsync(LogQuery query, int page, int pageSize)
    {
        await inbox.MoveBeforeReadAsync();
        await using var connection = await database.OpenAsync();
        await using var snapshot = connection.BeginTransaction(deferred: true);
        var parameters = new DynamicParameters();
        var items = await connection.QueryAsync<LogRecord>(LogQueries.Page(query, page, pageSize, parameters), parameters, snapshot);
        var total = await LogAggregates.CountAsync(SqliteAggregateDialect.Instance, connection, snapshot, query);
        return (items.AsList(), total);
    }

    /// <summary>
    /// Sums over the query's range and over the minute before <paramref name="nowMs"/> (same filters but
    /// time). Rows of type <c>consume</c> unless the query names another type.
    /// </summary>
    public async Task<LogStats> StatsAsync(LogQuery query, long nowMs)
    {
        await inbox.MoveBeforeReadAsync();
        query = query with { Type = query.Type ?? LogType.Consume };
        await using var connection = await database.OpenAsync();
        var range = await LogAggregates.TotalsAsync(SqliteAggregateDialect.Instance, connection, query);
        var lastMinute = await LogAggregates.TotalsAsync(SqliteAggregateDialect.Instance, connection, query with { StartMs = nowMs - 60_000, EndMs = nowMs + 1 });
        return new LogStats(range, lastMinute);
    }

    /// <summary>One line per group with sums and latency percentiles; <c>consume</c> rows unless the query names a type.</summary>
    public async Task<IReadOnlyList<LogGroupStats>> GroupAsync(LogQuery query, LogGrouping grouping)
    {
        await inbox.MoveBeforeReadAsync();
        await using var connection = await database.OpenAsync();
        return await LogAggregates.GroupAsync(SqliteAggregateDialect.Instance, connection, query with { Type = query.Type ?? LogType.Consume }, grouping);
    }

    /// <summary>Every matching row, newest first, read as it is consumed (memory stays flat).</summary>
    public async IAsyncEnumerable<LogRecord> ExportAsync(LogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await inbox.MoveBeforeReadAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new DynamicParameters();
        await using var reader = await connection.ExecuteReaderAsync(LogQueries.Export(query, parameters), parameters);
        // SQLite reads are synchronous underneath; Read() spares an awaited task per row.
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return LogRecordReader.Read(reader);
        }
    }
}
