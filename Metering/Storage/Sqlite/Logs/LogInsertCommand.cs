using Metering.Logs;
using Metering.Storage.Sqlite.Engine;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// The row INSERT (into <c>log_inbox</c>, see <see cref="LogInbox"/>), the balance debit and the key's spend, prepared
/// once per connection and bound by position. The id follows the newest in the inbox, or in the log when
/// the inbox is empty (two lookups of a table's last id), so ids keep rising across the two tables as one
/// rowid would; it is read back with <c>sqlite3_last_insert_rowid</c>, not <c>RETURNING</c> (which makes
/// SQLite buffer the result and step twice). The statements are finalized when the connection closes.
/// </summary>
internal sealed class LogInsertCommand : IDisposable
{
    /// <summary>A log row's columns, the id first, in the order both tables declare them.</summary>
    internal const string Columns = """
        id, request_id, time_ms, type, account_id, key_id, token_name, grp, model, path, status, stream,
        duration_ms, first_token_ms, input_tokens, output_tokens, cached_tokens, cache_write_tokens,
        spend_nano, ip, message, details
        """;

    private const string InsertSql = $"""
        INSERT INTO log_inbox ({Columns})
        VALUES (COALESCE((SELECT MAX(id) FROM log_inbox), (SELECT MAX(id) FROM logs), 0) + 1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
        """;

    private const string DebitSql = "UPDATE accounts SET balance_nano = balance_nano - ?1 WHERE id = ?2";

    private static readonly string KeySpendSql = Storage.KeySpendSql.Add('?');

    private readonly PreparedStatement _insert;
    private readonly PreparedStatement _debit;
    private readonly PreparedStatement _keySpend;

    private LogInsertCommand(SqliteConnection connection)
    {
        _insert = new PreparedStatement(connection, InsertSql);
        _debit = new PreparedStatement(connection, DebitSql);
        _keySpend = new PreparedStatement(connection, KeySpendSql);
    }

    public static LogInsertCommand For(SqliteConnection connection) => PerConnection<LogInsertCommand>.Get(connection, static c => new LogInsertCommand(c));

    /// <summary>Inserts the row in the connection's open transaction; returns its id.</summary>
    public long Insert(LogRecord row)
    {
        _insert.Bind(1, row.RequestId);
        _insert.Bind(2, row.TimeMs);
        _insert.Bind(3, row.Type);
        _insert.Bind(4, row.AccountId);
        _insert.Bind(5, row.KeyId);
        _insert.Bind(6, row.TokenName);
        _insert.Bind(7, row.Grp);
        _insert.Bind(8, row.Model);
        _insert.Bind(9, row.Path);
        _insert.Bind(10, row.Status);
        _insert.Bind(11, row.Stream ? 1 : 0);
        _insert.Bind(12, row.DurationMs);
        _insert.Bind(13, row.FirstTokenMs);
        _insert.Bind(14, row.InputTokens);
        _insert.Bind(15, row.OutputTokens);
        _insert.Bind(16, row.CachedTokens);
        _insert.Bind(17, row.CacheWriteTokens);
        _insert.Bind(18, row.SpendNano);
        _insert.Bind(19, row.Ip);
        _insert.Bind(20, row.Message);
        _insert.Bind(21, row.Details);
        _insert.Execute();
        return _insert.LastInsertRowId;
    }

    public void Debit(long accountId, long spendNano)
    {
        _debit.Bind(1, spendNano);
        _debit.Bind(2, accountId);
        _debit.Execute();
    }

    /// <summary>Adds spend to a key's UTC day (see <see cref="Storage.KeySpendSql"/>).</summary>
    public void AddKeySpend(long keyId, long dayMs, long spendNano)
    {
        _keySpend.Bind(1, keyId);
        _keySpend.Bind(2, dayMs);
        _keySpend.Bind(3, spendNano);
        _keySpend.Execute();
    }

    public void Dispose()
    {
        _insert.Dispose();
        _debit.Dispose();
        _keySpend.Dispose();
    }
}
