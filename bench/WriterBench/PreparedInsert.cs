using Metering.Ledger;
using Microsoft.Data.Sqlite;

/// <summary>
/// The what-if beside <c>LogStore.Insert</c>: the same INSERT and debit as two commands prepared once
/// on the writer's connection and re-bound per row, instead of a fresh Dapper command (and a fresh
/// sqlite3_prepare) per row. Measures what that change to the store would buy.
/// </summary>
internal sealed class PreparedInsert
{
    private const string InsertSql = """
        INSERT INTO logs (request_id, time_ms, type, account_id, key_id, token_name, grp, model, path, status, stream,
                          duration_ms, first_token_ms, input_tokens, output_tokens, cached_tokens, cache_write_tokens,
                          spend_nano, ip, message, details)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
        RETURNING id
        """;

    private SqliteConnection? _connection;
    private SqliteCommand _insert = null!;
    private SqliteCommand _debit = null!;

    public long Insert(SqliteConnection connection, SqliteTransaction transaction, LogRecord row)
    {
        if (!ReferenceEquals(connection, _connection))
            Prepare(connection);
        _insert.Transaction = transaction;
        var p = _insert.Parameters;
        p[0].Value = row.RequestId; p[1].Value = row.TimeMs; p[2].Value = row.Type;
        p[3].Value = (object?)row.AccountId ?? DBNull.Value; p[4].Value = (object?)row.KeyId ?? DBNull.Value;
        p[5].Value = row.TokenName; p[6].Value = row.Grp; p[7].Value = row.Model; p[8].Value = row.Path;
        p[9].Value = row.Status; p[10].Value = row.Stream;
        p[11].Value = (object?)row.DurationMs ?? DBNull.Value; p[12].Value = (object?)row.FirstTokenMs ?? DBNull.Value;
        p[13].Value = row.InputTokens; p[14].Value = row.OutputTokens; p[15].Value = row.CachedTokens;
        p[16].Value = row.CacheWriteTokens; p[17].Value = row.SpendNano;
        p[18].Value = (object?)row.Ip ?? DBNull.Value; p[19].Value = (object?)row.Message ?? DBNull.Value;
        p[20].Value = (object?)row.Details ?? DBNull.Value;
        var id = (long)_insert.ExecuteScalar()!;
        if (row.SpendNano != 0 && row.AccountId is { } account)
        {
            _debit.Transaction = transaction;
            _debit.Parameters[0].Value = row.SpendNano;
            _debit.Parameters[1].Value = account;
            _debit.ExecuteNonQuery();
        }
        return id;
    }

    private void Prepare(SqliteConnection connection)
    {
        _connection = connection;
        _insert = connection.CreateCommand();
        _insert.CommandText = InsertSql;
        for (var i = 1; i <= 21; i++)
            _insert.Parameters.Add(new SqliteParameter("$" + i, null));
        _debit = connection.CreateCommand();
        _debit.CommandText = "UPDATE accounts SET balance_nano = balance_nano - $1 WHERE id = $2";
        _debit.Parameters.Add(new SqliteParameter("$1", null));
        _debit.Parameters.Add(new SqliteParameter("$2", null));
    }
}
