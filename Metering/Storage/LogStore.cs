using Dapper;
using Metering.Ledger;
using Microsoft.Data.Sqlite;

namespace Metering.Storage;

/// <summary>Appends usage-log rows (through the writer) and reads them back (on own connections).</summary>
public sealed class LogStore(SqliteDatabase database, LedgerWriter writer)
{
    private const string InsertSql = """
        INSERT INTO logs (request_id, time_ms, type, account_id, key_id, token_name, grp, model, path, status, stream,
                          duration_ms, first_token_ms, input_tokens, output_tokens, cached_tokens, cache_write_tokens,
                          spend_nano, ip, message, details)
        VALUES (@RequestId, @TimeMs, @Type, @AccountId, @KeyId, @TokenName, @Grp, @Model, @Path, @Status, @Stream,
                @DurationMs, @FirstTokenMs, @InputTokens, @OutputTokens, @CachedTokens, @CacheWriteTokens,
                @SpendNano, @Ip, @Message, @Details)
        RETURNING id
        """;

    private const string DebitSql = "UPDATE accounts SET balance_nano = balance_nano - @SpendNano WHERE id = @AccountId";

    private const string Columns = """
        id, request_id AS RequestId, time_ms AS TimeMs, type, account_id AS AccountId, key_id AS KeyId,
        token_name AS TokenName, grp, model, path, status, stream, duration_ms AS DurationMs,
        first_token_ms AS FirstTokenMs, input_tokens AS InputTokens, output_tokens AS OutputTokens,
        cached_tokens AS CachedTokens, cache_write_tokens AS CacheWriteTokens, spend_nano AS SpendNano, ip, message, details
        """;

    /// <summary>
    /// Inserts the row and debits its spend from the account in the caller's transaction: the two
    /// land together or not at all. Returns the row id.
    /// </summary>
    public static long Insert(SqliteConnection connection, SqliteTransaction transaction, LogRecord row)
    {
        var id = connection.ExecuteScalar<long>(InsertSql, row, transaction);
        if (row.SpendNano != 0 && row.AccountId is not null)
            connection.Execute(DebitSql, row, transaction);
        return id;
    }

    /// <summary>Completes once the row and its debit are committed.</summary>
    public Task<long> AppendAsync(LogRecord row, CancellationToken cancellationToken = default) =>
        writer.ExecuteAsync((connection, transaction) => Insert(connection, transaction, row), cancellationToken);

    public async Task<LogRecord?> GetAsync(long id, long? accountScope)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<LogRecord>(
            $"SELECT {Columns} FROM logs WHERE id = @id AND (@accountScope IS NULL OR account_id = @accountScope)",
            new { id, accountScope });
    }

    public async Task<(IReadOnlyList<LogRecord> Items, long Total)> PageAsync(long? accountScope, int page, int pageSize)
    {
        await using var connection = await database.OpenAsync();
        const string Where = "WHERE (@accountScope IS NULL OR account_id = @accountScope)";
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM logs {Where}", new { accountScope });
        var items = await connection.QueryAsync<LogRecord>(
            $"SELECT {Columns} FROM logs {Where} ORDER BY id DESC LIMIT @pageSize OFFSET @offset",
            new { accountScope, pageSize, offset = (long)(page - 1) * pageSize });
        return (items.AsList(), total);
    }
}
