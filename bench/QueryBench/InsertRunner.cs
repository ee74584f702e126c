using System.Diagnostics;
using Dapper;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;
using Metering.Storage.Sqlite.Rollups;
using Microsoft.Data.Sqlite;

namespace QueryBench;

/// <summary>
/// Writer throughput with and without the query API's indexes: on a copy of a seeded store, appends
/// rows through the gateway's own append path (<see cref="LedgerAppender"/>, the ledger's writer, the inbox) from many concurrent
/// callers (as requests do). "after" is the shipped schema with the rollup job running beside it;
/// "before" is the same copy with the query API's log indexes dropped and no rollup job. Each run
/// appends to the copy, so later runs insert into a slightly bigger table.
/// </summary>
internal static class InsertRunner
{
    // The query API's indexes beyond step 1's (time_ms) and (account_id, time_ms), as migration step 3 left them.
    private static readonly string[] QueryIndexes = ["logs_rare_type_time", "logs_grp_time_account", "logs_token_time", "logs_model_time_account"];

    public static async Task RunAsync(BenchArgs args)
    {
        var source = args.Text("db", "bench.db");
        var rows = args.Number("rows", 200_000);
        var concurrency = (int)args.Number("concurrency", 256);
        var copy = source + ".insert-bench";
        // Both files of the store: the log's and the ledger's (accounts, keys, the inbox).
        File.Copy(source, copy, overwrite: true);
        File.Copy(SqliteDatabase.LedgerPathFor(source), SqliteDatabase.LedgerPathFor(copy), overwrite: true);
        try
        {
            var database = new SqliteDatabase($"Data Source={copy}");
            Console.WriteLine($"after  (all indexes, rollup job every 5 s): {await MeasureAsync(database, rows, concurrency, rollupJob: true):N0} rows/s");
            Console.WriteLine($"after  (all indexes, no rollup job):       {await MeasureAsync(database, rows, concurrency, rollupJob: false):N0} rows/s");
            using (var connection = database.Open())
                connection.Execute("DROP INDEX logs_token_time");
            Console.WriteLine($"after  (without logs_token_time, no job):  {await MeasureAsync(database, rows, concurrency, rollupJob: false):N0} rows/s");
            using (var connection = database.Open())
                foreach (var index in QueryIndexes.Where(i => i != "logs_token_time"))
                    connection.Execute($"DROP INDEX {index}");
            Console.WriteLine($"before (time and account indexes only, no rollup job): {await MeasureAsync(database, rows, concurrency, rollupJob: false):N0} rows/s");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { copy, SqliteDatabase.LedgerPathFor(copy) })
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                    File.Delete(file + suffix);
        }
    }

    private static async Task<double> MeasureAsync(SqliteDatabase database, long rows, int concurrency, bool rollupJob)
    {
        // As the gateway composes its SQLite store (see WriterBench).
        var accounts = new AccountStates();
        var signal = new LogInboxSignal();
        await using var writer = new LedgerWriter(new SqliteWriteStore(database, new LogRowInserter(signal, accounts), accounts));
        writer.Start();
        using var logFile = new LogFileWriter(database);
        var inbox = new LogInbox(writer, logFile, signal);
        var appender = new LedgerAppender(writer);
        var next = -1L;
        using var stop = new CancellationTokenSource();
        var job = rollupJob ? RollupLoopAsync(database, logFile, stop.Token) : Task.CompletedTask;
        // The gateway's mover beside the producers; the rate counts until every row is in the log.
        var mover = inbox.RunMoverAsync(LogInbox.DefaultGatherTime, stop.Token);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < rows; i = Interlocked.Increment(ref next))
                await appender.AppendAsync(Row(i));
        }));
        await inbox.MoveAllAsync();
        var rate = rows / clock.Elapsed.TotalSeconds;
        stop.Cancel();
        await job;
        try { await mover; } catch (OperationCanceledException) { }
        return rate;
    }

    // What LogRollupService does, at its default pace.
    private static async Task RollupLoopAsync(SqliteDatabase database, LogFileWriter logFile, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RollupBuilder.CatchUpAsync(database, logFile, 20_000);
            try { await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken); } catch (OperationCanceledException) { }
        }
    }

    private static LogRecord Row(long i)
    {
        var key = i % 200;
        return new LogRecord
        {
            RequestId = "req_" + Guid.CreateVersion7().ToString("N"),
            TimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Type = LogType.Consume,
            AccountId = key % 50 + 1,
            KeyId = key + 1,
            TokenName = $"key-{key}",
            Grp = Seeder.Group(key),
            Model = $"model-{(key * 7 + i % 4) % 30:00}",
            Path = "/v1/chat/completions",
            Status = 200,
            Stream = true,
            DurationMs = 900 + i % 2000,
            FirstTokenMs = 300 + i % 700,
            InputTokens = 1_200,
            OutputTokens = 300,
            SpendNano = 4_800_000,
            Details = """{"model_ratio":1,"completion_ratio":4,"group_ratio":1,"input_price_per_1m":2,"output_price_per_1m":8,"usage_source":"upstream","completed":true}""",
        };
    }
}
