using System.Data;
using System.Runtime.CompilerServices;
using Dapper;
using Metering.Logs;
using Metering.Storage.Aggregates;
using Metering.Storage.Postgres.Engine;

namespace Metering.Storage.Postgres.Logs;

/// <summary>Reads usage-log rows from PostgreSQL on connections of their own: every instance's committed rows.</summary>
public sealed class PostgresLogReader(PostgresDatabase database) : ILogReader
{
    public async Task<LogRecord?> GetAsync(long id, long? accountScope)
    {
        await using var connection = await database.OpenAsync();
        var parameters = new DynamicParameters();
        return await connection.QuerySingleOrDefaultAsync<LogRecord>(PostgresLogSql.Get(id, accountScope, parameters), parameters);
    }

    public async Task<LogRecord?> FindResponseCreatorAsync(string responseId, long accountId)
    {
        await using var connection = await database.OpenAsync();
        var parameters = new DynamicParameters();
        return await connection.QuerySingleOrDefaultAsync<LogRecord>(PostgresLogSql.ResponseCreator(responseId, accountId, parameters), parameters);
    }

    /// <summary>One page, newest first, and the number of rows matching; both from one snapshot (REPEATABLE READ).</summary>
    public async Task<(IReadOnlyList<LogRecord> Items, long Total)> PageAsync(LogQuery query, int page, int pageSize)
    {
        await using var connection = await database.OpenAsync();
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        var parameters = new DynamicParameters();
        var items = await connection.QueryAsync<LogRecord>(PostgresLogSql.Page(query, page, pageSize, parameters), parameters, snapshot);
        // The total as on SQLite: whole hours and days from the rollups (a filtered count over millions of
        // rows is otherwise an index walk over all of them), in the page's own snapshot.
        var dialect = await PostgresAggregateDialect.ReadAsync(connection, snapshot);
        var total = await LogAggregates.CountAsync(dialect, connection, snapshot, query with { BeforeId = null });
        await snapshot.CommitAsync();
        return (items.AsList(), total);
    }

    public async Task<LogStats> StatsAsync(LogQuery query, long nowMs)
    {
        query = query with { Type = query.Type ?? LogType.Consume };
        await using var connection = await database.OpenAsync();
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        var dialect = await PostgresAggregateDialect.ReadAsync(connection, snapshot);
        var range = await LogAggregates.TotalsAsync(dialect, connection, query, snapshot);
        var lastMinute = await LogAggregates.TotalsAsync(dialect, connection, query with { StartMs = nowMs - 60_000, EndMs = nowMs + 1 }, snapshot);
        await snapshot.CommitAsync();
        return new LogStats(range, lastMinute);
    }

    public async Task<IReadOnlyList<LogGroupStats>> GroupAsync(LogQuery query, LogGrouping grouping)
    {
        await using var connection = await database.OpenAsync();
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        var dialect = await PostgresAggregateDialect.ReadAsync(connection, snapshot);
        var groups = await LogAggregates.GroupAsync(dialect, connection, query with { Type = query.Type ?? LogType.Consume }, grouping, snapshot);
        await snapshot.CommitAsync();
        return groups;
    }

    /// <summary>Every matching row, newest first, streamed as it is consumed (memory stays flat).</summary>
    public async IAsyncEnumerable<LogRecord> ExportAsync(LogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new DynamicParameters();
        var sql = PostgresLogSql.Export(query, parameters);
        await foreach (var row in connection.QueryUnbufferedAsync<LogRecord>(sql, parameters).WithCancellation(cancellationToken))
            yield return row;
    }
}
