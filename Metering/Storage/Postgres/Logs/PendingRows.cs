using Metering.Logs;
using Npgsql;
using NpgsqlTypes;

namespace Metering.Storage.Postgres.Logs;

/// <summary>
/// The batch's log rows, inserted together in one statement (arrays unnested: one round trip whatever
/// the batch size), their ids from the sequence <c>log_id_seq</c>. Sequence values are handed out at
/// once and commit in any order: a reader may see id 101 committed while 100 is still in flight, so the
/// rollup watermark never trusts "the highest committed id" (see <see cref="Rollups.PostgresRollupSql"/>
/// for how it finds a committed prefix). That rule needs every transaction to hold its transaction id
/// before it takes a row id: the batch records its own id in <c>write_batches</c> first, then the rows.
/// No lock is taken here, so writers on several instances insert side by side and queue, if at all,
/// only on the debits of one account, which come after the rows and just before COMMIT.
/// </summary>
internal sealed class PendingRows
{
    private const string InsertSql = """
        INSERT INTO logs (id, request_id, time_ms, type, account_id, key_id, token_name, grp, model, path, status, stream,
            duration_ms, first_token_ms, input_tokens, output_tokens, cached_tokens, cache_write_tokens, spend_nano, ip, message, details)
        SELECT nextval('log_id_seq'), r.request_id, r.time_ms, r.type, r.account_id, r.key_id, r.token_name, r.grp,
            r.model, r.path, r.status, r.stream, r.duration_ms, r.first_token_ms, r.input_tokens, r.output_tokens, r.cached_tokens,
            r.cache_write_tokens, r.spend_nano, r.ip, r.message, r.details
        FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
            AS r(request_id, time_ms, type, account_id, key_id, token_name, grp, model, path, status, stream,
            duration_ms, first_token_ms, input_tokens, output_tokens, cached_tokens, cache_write_tokens, spend_nano, ip, message, details)
        RETURNING id
        """;

    private const string RecordBatchSql = "INSERT INTO write_batches (id, committed_ms) VALUES ($1, $2)";

    // Each row and the unit it answers (-1: a system row inside other work, whose id nobody awaits).
    private readonly List<(LogRecord Row, int Unit)> _rows = [];
    private int _unitStart;

    public int Count => _rows.Count;

    public IEnumerable<long> Times => _rows.Select(r => r.Row.TimeMs);

    public void Add(LogRecord row, int unit) => _rows.Add((row, unit));

    public void BeginUnit() => _unitStart = _rows.Count;

    public void RollbackUnit() => _rows.RemoveRange(_unitStart, _rows.Count - _unitStart);

    public void Discard() => _rows.Clear();

    /// <summary>Takes ids and inserts the rows now; each row unit's id goes to <paramref name="results"/>.</summary>
    public void Flush(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] results)
    {
        if (_rows.Count == 0)
            return;
        using var batch = new NpgsqlBatch(connection, transaction);
        AddTo(batch);
        using var reader = batch.ExecuteReader();
        ReadFrom(reader, results);
    }

    /// <summary>Adds the insert (which answers the ids) to a batch of statements; false when there is no row.</summary>
    public bool AddTo(NpgsqlBatch batch)
    {
        if (_rows.Count == 0)
            return false;
        var insert = new NpgsqlBatchCommand(InsertSql);
        AddColumns(insert.Parameters);
        batch.BatchCommands.Add(insert);
        return true;
    }

    /// <summary>Reads the ids taken, hands them to the row units and forgets the rows; leaves the reader at the next statement's result.</summary>
    public void ReadFrom(NpgsqlDataReader reader, long[] results)
    {
        // nextval runs row by row as unnest yields the arrays in order, so the ids ascending are the rows' in
        // order (not always consecutive: other writers take values between them). Sorted rather than trusting
        // RETURNING's order.
        var ids = new long[_rows.Count];
        for (var i = 0; i < ids.Length && reader.Read(); i++)
            ids[i] = reader.GetInt64(0);
        Array.Sort(ids);
        for (var i = 0; i < _rows.Count; i++)
        {
            if (_rows[i].Unit >= 0)
                results[_rows[i].Unit] = ids[i];
        }
        _rows.Clear();
        reader.NextResult();
    }

    /// <summary>
    /// The statement that records the batch's id in its own transaction (see <see cref="Engine.BatchOutcome"/>);
    /// the transaction's first write, so that it holds its transaction id before it takes any row id.
    /// </summary>
    public static NpgsqlBatchCommand RecordBatch(Guid batchId, long nowMs) =>
        new(RecordBatchSql) { Parameters = { new() { Value = batchId }, new() { Value = nowMs } } };

    private void AddColumns(NpgsqlParameterCollection parameters)
    {
        void Column<T>(NpgsqlDbType type, Func<LogRecord, T> value) =>
            parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = _rows.Select(r => value(r.Row)).ToArray() });
        Column(NpgsqlDbType.Text, r => Text(r.RequestId));
        Column(NpgsqlDbType.Bigint, r => r.TimeMs);
        Column(NpgsqlDbType.Text, r => Text(r.Type));
        Column(NpgsqlDbType.Bigint, r => r.AccountId);
        Column(NpgsqlDbType.Bigint, r => r.KeyId);
        Column(NpgsqlDbType.Text, r => Text(r.TokenName));
        Column(NpgsqlDbType.Text, r => Text(r.Grp));
        Column(NpgsqlDbType.Text, r => Text(r.Model));
        Column(NpgsqlDbType.Text, r => Text(r.Path));
        Column(NpgsqlDbType.Integer, r => r.Status);
        Column(NpgsqlDbType.Boolean, r => r.Stream);
        Column(NpgsqlDbType.Bigint, r => r.DurationMs);
        Column(NpgsqlDbType.Bigint, r => r.FirstTokenMs);
        Column(NpgsqlDbType.Bigint, r => r.InputTokens);
        Column(NpgsqlDbType.Bigint, r => r.OutputTokens);
        Column(NpgsqlDbType.Bigint, r => r.CachedTokens);
        Column(NpgsqlDbType.Bigint, r => r.CacheWriteTokens);
        Column(NpgsqlDbType.Bigint, r => r.SpendNano);
        Column(NpgsqlDbType.Text, r => Text(r.Ip));
        Column(NpgsqlDbType.Text, r => Text(r.Message));
        Column(NpgsqlDbType.Text, r => Text(r.Details));
    }

    private static string? Text(string? value) => PostgresText.Storable(value);
}
