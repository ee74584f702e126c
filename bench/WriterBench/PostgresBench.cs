using Dapper;
using Metering.Ledger;
using Metering.Storage.Postgres;
using Metering.Storage.Postgres.Accounts;
using Metering.Storage.Postgres.Engine;
using Metering.Storage.Postgres.Logs;

namespace WriterBench;

/// <summary>
/// The <c>store</c> and <c>rollup</c> modes on PostgreSQL (<c>WRITER_BENCH_PG</c> = the connection string of an
/// empty database): the gateway's own append path (LedgerAppender → LedgerWriter → one transaction a batch with
/// its rows and debits), wired as the gateway wires it. Rows are in the log when they commit: no inbox, no mover.
/// The server's CPU is not in the process's figure; the rollup's fold runs in the server, so its figure is the
/// wall time a row.
/// </summary>
internal static class PostgresBench
{
    public static async Task RunAsync(string connectionString, string mode, double seconds, int producers, int keys, int? maxBatch)
    {
        await using var database = new PostgresDatabase(connectionString);
        var clock = TimeProvider.System;
        var partitions = new LogPartitions();
        var maintenance = new PostgresStoreMaintenance(database, partitions, clock);
        maintenance.Migrate();
        const long StartBalance = 1_000_000_000_000_000;
        await using (var connection = await database.OpenAsync())
            await connection.ExecuteAsync("INSERT INTO accounts (id, name, balance_nano, created_ms) VALUES (@id, 'bench', @StartBalance, 0)",
                Enumerable.Range(1, Rows.Accounts).Select(id => new { id = (long)id, StartBalance }));

        var accounts = new AccountStates();
        // The gateway's defaults: balances trusted for 1 s, read at every check below $1.
        var freshness = new BalanceFreshness(clock, TimeSpan.FromSeconds(1), 1_000_000_000);
        var store = new PostgresWriteStore(database, partitions, accounts, freshness, clock);
        await using var writer = maxBatch is { } max ? new LedgerWriter(store, maxBatch: max) : new LedgerWriter(store);
        writer.Start();
        var appender = new LedgerAppender(writer);

        if (mode == "rollup")
        {
            // Fill for the given seconds (the gateway's rollup job does not run here), then time one catch-up over every row.
            var filled = await Producers.RunAsync(TimeSpan.FromSeconds(seconds), producers, keys, row => appender.AppendAsync(row), []);
            var fold = System.Diagnostics.Stopwatch.StartNew();
            var covered = await maintenance.RollUpAsync(20_000);
            fold.Stop();
            Console.WriteLine(FormattableString.Invariant(
                $"ROLLUP store=postgres keys={keys} rows={filled} covered={covered} seconds={fold.Elapsed.TotalSeconds:F2} rows_per_s={covered / fold.Elapsed.TotalSeconds:F0} wall_us_per_row={fold.Elapsed.TotalMicroseconds / covered:F2}"));
            return;
        }

        await Producers.RunAsync(TimeSpan.FromSeconds(Math.Min(1, seconds / 4)), producers, keys, row => appender.AppendAsync(row), []);
        var waits = Enumerable.Range(0, producers).Select(_ => new List<double>(1024)).ToArray();
        var cpu = CpuClock.Process();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var rows = await Producers.RunAsync(TimeSpan.FromSeconds(seconds), producers, keys, row => appender.AppendAsync(row), waits);
        watch.Stop();
        Console.WriteLine($"WRITER store=postgres mode=store producers={producers} keys={keys} max_batch={maxBatch?.ToString() ?? "default"} "
            + Producers.Summary(waits, rows, watch.Elapsed, CpuClock.Process() - cpu));
        await writer.DisposeAsync();

        await using var check = await database.OpenAsync();
        var (sum, logged) = await check.QuerySingleAsync<(long, long)>("SELECT (SELECT SUM(balance_nano) FROM accounts)::bigint, (SELECT COUNT(*) FROM logs)");
        if (Rows.Accounts * StartBalance - sum != logged * Rows.Consume(0, 0, keys).SpendNano)
            Console.WriteLine($"BALANCE MISMATCH: spent {Rows.Accounts * StartBalance - sum} for {logged} rows");
    }
}
