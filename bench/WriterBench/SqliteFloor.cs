using System.Diagnostics;
using Dapper;
using Metering.Storage.Sqlite.Engine;

/// <summary>
/// SQLite's own cost of a log row, with nothing of ours around it: rows shaped like <see cref="Rows"/> generated
/// and inserted into <c>logs</c> (every index the query API needs) by SQLite itself, one <c>INSERT … SELECT</c>
/// over a counter per transaction of <see cref="RowsPerTransaction"/>, WAL with <c>synchronous=NORMAL</c> as the
/// writer runs. No parameters are bound per row, no writer thread, no inbox, no rollup: the floor under any
/// design that keeps a row per request in this table.
/// </summary>
internal static class SqliteFloor
{
    public const int RowsPerTransaction = 512;

    public static void Run(SqliteDatabase database, double seconds, int keys)
    {
        using var connection = database.Open();
        connection.Execute("PRAGMA synchronous=NORMAL");
        var sample = Rows.Consume(0, 0, 1);
        // Key k of account k % 50 + 1, as Rows spreads them (models by key here, one per key modulo 30).
        var sql = $"""
            WITH RECURSIVE n(i) AS (SELECT @From UNION ALL SELECT i + 1 FROM n WHERE i < @To)
            INSERT INTO logs (id, request_id, time_ms, type, account_id, key_id, token_name, grp, model, path, status, stream,
                              duration_ms, first_token_ms, input_tokens, output_tokens, cached_tokens, cache_write_tokens, spend_nano, details)
            SELECT i, printf('req_%016x', i), @Time + i / 8, 'consume',
                   {(keys == 1 ? "1" : $"(i % {keys}) % {Rows.Accounts} + 1")}, {(keys == 1 ? "1" : $"i % {keys} + 1")},
                   {(keys == 1 ? "@TokenName" : $"printf('key-%d', i % {keys})")}, @Grp,
                   {(keys == 1 ? "@Model" : $"printf('model-%02d', (i % {keys}) % 30)")}, @Path, 200, 1,
                   @DurationMs, @FirstTokenMs, @InputTokens, @OutputTokens, 0, 0, @SpendNano, @Details
            FROM n
            """;
        // Warm-up (page cache, statement), then a timed window.
        long next = 1;
        void Transaction()
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(sql, new
            {
                From = next, To = next + RowsPerTransaction - 1, Time = sample.TimeMs, sample.TokenName, sample.Grp, sample.Model,
                sample.Path, sample.DurationMs, sample.FirstTokenMs, sample.InputTokens, sample.OutputTokens, sample.SpendNano, sample.Details,
            }, transaction);
            transaction.Commit();
            next += RowsPerTransaction;
        }
        for (var i = 0; i < 20; i++)
            Transaction();
        var started = next;
        var cpu = CpuClock.Process();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
            Transaction();
        var rows = next - started;
        Console.WriteLine(FormattableString.Invariant(
            $"FLOOR keys={keys} rows={rows} rows_per_transaction={RowsPerTransaction} seconds={clock.Elapsed.TotalSeconds:F1} rows_per_s={rows / clock.Elapsed.TotalSeconds:F0} process_cpu_us_per_row={(CpuClock.Process() - cpu).TotalMicroseconds / rows:F2}"));
    }
}
