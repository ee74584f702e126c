using System.Diagnostics;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;
using Metering.Storage.Sqlite.Rollups;

// writer-bench [seconds] [producers] [store|noop] [keys] [max-batch] [rollup-seconds]
//   store  LedgerAppender.AppendAsync, the gateway's own path (the figure that counts)
//   noop   LedgerWriter with work that does nothing: the writer's own cost per unit
//   rollup fill for [seconds] with no rollups, then time one catch-up of the rollups over all of it
//   floor  SQLite alone: rows generated and inserted by SQLite itself into logs, 512 a transaction (SqliteFloor)
//   keys   1 (default): every row the same account, key and model; 200: spread over 50 accounts,
//          200 keys and 30 models like the query bench's seed (more index insert points)
//   max-batch  units per transaction at most (LedgerWriter's default when absent or 0)
//   rollup-seconds  run the rollup job every this many seconds beside the producers, as the gateway
//          does every 5 s (0 or absent: no rollups); its writer units show in the producers' waits
// Rows as the gateway writes them (a consume row with its details JSON and a balance debit), each
// producer awaiting its row's commit like a request does, against a fresh file with the real schema.
// CPU figures are per row: the process's (producers included) and the writer thread's alone.
var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
var producers = args.Length > 1 ? int.Parse(args[1]) : 512;
var mode = args.Length > 2 ? args[2] : "store";
var keys = args.Length > 3 ? int.Parse(args[3]) : 1;
int? maxBatch = args.Length > 4 && int.Parse(args[4]) > 0 ? int.Parse(args[4]) : null;
var rollupEvery = args.Length > 5 ? double.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 0;

// WRITER_BENCH_PG: the store or rollup mode on PostgreSQL instead (bench/writer starts a throwaway server for it).
if (Environment.GetEnvironmentVariable("WRITER_BENCH_PG") is { Length: > 0 } postgres)
{
    await WriterBench.PostgresBench.RunAsync(postgres, mode, seconds, producers, keys, maxBatch);
    return;
}

var directory = Directory.CreateTempSubdirectory("writer-bench-");
var database = new SqliteDatabase($"Data Source={Path.Combine(directory.FullName, "bench.db")}");
Migrations.Apply(database);
if (mode == "floor")
{
    SqliteFloor.Run(database, seconds, keys);
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    directory.Delete(recursive: true);
    return;
}
// The store wired as the gateway wires it (AddStore): the rows' inserter and the balances beside the writer.
var accounts = new AccountStates();
var signal = new LogInboxSignal();
var writeStore = new SqliteWriteStore(database, new LogRowInserter(signal, accounts), accounts);
await using var writer = maxBatch is { } max ? new LedgerWriter(writeStore, maxBatch: max) : new LedgerWriter(writeStore);
writer.Start();
using var logFile = new LogFileWriter(database);
var inbox = new LogInbox(writer, logFile, signal);
var store = new LedgerAppender(writer);
// The gateway's mover beside the producers (rollup mode fills without it and moves once, untimed, before its pass).
using var stopMover = new CancellationTokenSource();
var mover = mode == "rollup" ? Task.CompletedTask : inbox.RunMoverAsync(LogInbox.DefaultGatherTime, stopMover.Token);
Func<LogRecord, Task<long>> append = mode switch
{
    "store" => row => store.AppendAsync(row),
    "noop" => _ => SqliteWork.ExecuteAsync(writer, (_, _) => 0),
    "rollup" => row => store.AppendAsync(row),
    _ => throw new ArgumentException($"unknown mode {mode}"),
};
const long StartBalance = 1_000_000_000_000_000;
await SqliteWork.ExecuteAsync(writer, (c, t) => Dapper.SqlMapper.Execute(c,
    "INSERT INTO accounts (id, name, balance_nano, created_ms) VALUES (@id, 'bench', @StartBalance, 0)",
    Enumerable.Range(1, Rows.Accounts).Select(id => new { id, StartBalance }), t));

if (mode == "rollup")
{
    // The rollup pass alone: fill for the given seconds without rollups, then time one catch-up over every row.
    // CPU is the process's (the reader that sums and the writer units that upsert); the pass's first rows run
    // unoptimised JIT code, so compare builds side by side rather than against an absolute figure.
    var filled = await WriterBench.Producers.RunAsync(TimeSpan.FromSeconds(seconds), producers, keys, append, []);
    await inbox.MoveAllAsync();
    var cpu = CpuClock.Process();
    var watch = Stopwatch.StartNew();
    var covered = await RollupBuilder.CatchUpAsync(database, logFile, 20_000);
    watch.Stop();
    Console.WriteLine(FormattableString.Invariant(
        $"ROLLUP keys={keys} rows={filled} covered={covered} seconds={watch.Elapsed.TotalSeconds:F2} rows_per_s={covered / watch.Elapsed.TotalSeconds:F0} process_cpu_us_per_row={(CpuClock.Process() - cpu).TotalMicroseconds / covered:F2}"));
    await writer.DisposeAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    directory.Delete(recursive: true);
    return;
}

// Warm up (JIT, page cache), then measure a fixed window.
await WriterBench.Producers.RunAsync(TimeSpan.FromSeconds(Math.Min(1, seconds / 4)), producers, keys, append, []);
var waits = new List<double>[producers];
for (var i = 0; i < producers; i++) waits[i] = new List<double>(1024);
var (process, writerThread) = (CpuClock.Process(), CpuClock.WriterThread());
var clock = Stopwatch.StartNew();
using var stopRollups = new CancellationTokenSource();
var rollups = rollupEvery > 0 ? RollupLoopAsync(TimeSpan.FromSeconds(rollupEvery), stopRollups.Token) : Task.CompletedTask;
var rows = await WriterBench.Producers.RunAsync(TimeSpan.FromSeconds(seconds), producers, keys, append, waits);
clock.Stop();
// Rows the mover had not yet moved when the window closed: it keeps up if this stays near one gather's worth.
long inboxLeft;
using (var reader = database.Open())
    inboxLeft = Dapper.SqlMapper.ExecuteScalar<long>(reader, "SELECT COUNT(*) FROM log_inbox");
stopRollups.Cancel();
await rollups;
var processUs = (CpuClock.Process() - process).TotalMicroseconds / rows;
var writerUs = (CpuClock.WriterThread(), writerThread) is ({ } after, { } before)
    ? FormattableString.Invariant($"{(after.All - before.All).TotalMicroseconds / rows:F1} writer_kernel_us_per_row={(after.Kernel - before.Kernel).TotalMicroseconds / rows:F1}")
    : "n/a";

var all = waits.SelectMany(w => w).Order().ToArray();
double P(double p) => all[Math.Min(all.Length - 1, (int)Math.Ceiling(p / 100 * all.Length) - 1)];
Console.WriteLine(
    FormattableString.Invariant($"WRITER mode={mode} producers={producers} keys={keys} max_batch={maxBatch?.ToString() ?? "default"} rollup_s={rollupEvery} seconds={clock.Elapsed.TotalSeconds:F1} rows={rows} rows_per_s={rows / clock.Elapsed.TotalSeconds:F0} ") +
    FormattableString.Invariant($"wait_p50_ms={P(50):F2} wait_p99_ms={P(99):F2} max_ms={all[^1]:F1} inbox_left={inboxLeft} process_cpu_us_per_row={processUs:F1} writer_cpu_us_per_row={writerUs}"));

stopMover.Cancel();
try { await mover; } catch (OperationCanceledException) { }
await inbox.MoveAllAsync();
await writer.DisposeAsync();
var balances = await Dapper.SqlMapper.QuerySingleAsync<(long Sum, long Rows)>(database.Open(),
    "SELECT (SELECT SUM(balance_nano) FROM accounts), (SELECT COUNT(*) FROM logs)");
var spent = Rows.Accounts * StartBalance - balances.Sum;
if (mode == "store" && spent != balances.Rows * Rows.Consume(0, 0, keys).SpendNano)
    Console.WriteLine($"BALANCE MISMATCH: spent {spent} for {balances.Rows} rows");
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
directory.Delete(recursive: true);

async Task RollupLoopAsync(TimeSpan interval, CancellationToken stop)
{
    while (!stop.IsCancellationRequested)
    {
        try { await Task.Delay(interval, stop); } catch (OperationCanceledException) { return; }
        await RollupBuilder.CatchUpAsync(database, logFile, 20_000);
    }
}
