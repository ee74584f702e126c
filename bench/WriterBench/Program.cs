using System.Diagnostics;
using Metering.Ledger;
using Metering.Storage;

// writer-bench [seconds] [producers] [store|prepared|noop]
//   store     LogStore.AppendAsync, the gateway's own path (the figure that counts)
//   prepared  the same row and debit through LedgerWriter with commands prepared once (a what-if)
//   noop      LedgerWriter with work that does nothing: the writer's own cost per unit
// Rows as the gateway writes them (a consume row with its details JSON and a balance debit), each
// producer awaiting its row's commit like a request does, against a fresh file with the real schema.
var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
var producers = args.Length > 1 ? int.Parse(args[1]) : 512;
var mode = args.Length > 2 ? args[2] : "store";

var directory = Directory.CreateTempSubdirectory("writer-bench-");
var database = new SqliteDatabase($"Data Source={Path.Combine(directory.FullName, "bench.db")}");
Migrations.Apply(database);
await using var writer = new LedgerWriter(database);
writer.Start();
var store = new LogStore(database, writer);
var prepared = new PreparedInsert();
Func<LogRecord, Task<long>> append = mode switch
{
    "store" => row => store.AppendAsync(row),
    "prepared" => row => writer.ExecuteAsync((c, t) => prepared.Insert(c, t, row)),
    "noop" => _ => writer.ExecuteAsync((_, _) => 0),
    _ => throw new ArgumentException($"unknown mode {mode}"),
};
const long StartBalance = 1_000_000_000_000_000;
await writer.ExecuteAsync((c, t) => Dapper.SqlMapper.Execute(c,
    "INSERT INTO accounts (id, name, balance_nano, created_ms) VALUES (1, 'bench', @StartBalance, 0)", new { StartBalance }, t));

// Warm up (JIT, page cache), then measure a fixed window.
await RunAsync(TimeSpan.FromSeconds(Math.Min(1, seconds / 4)), producers, append, []);
var waits = new List<double>[producers];
for (var i = 0; i < producers; i++) waits[i] = new List<double>(1024);
var clock = Stopwatch.StartNew();
var rows = await RunAsync(TimeSpan.FromSeconds(seconds), producers, append, waits);
clock.Stop();

var all = waits.SelectMany(w => w).Order().ToArray();
double P(double p) => all[Math.Min(all.Length - 1, (int)Math.Ceiling(p / 100 * all.Length) - 1)];
Console.WriteLine(FormattableString.Invariant(
    $"WRITER mode={mode} producers={producers} seconds={clock.Elapsed.TotalSeconds:F1} rows={rows} rows_per_s={rows / clock.Elapsed.TotalSeconds:F0} wait_p50_ms={P(50):F2} wait_p99_ms={P(99):F2} max_ms={all[^1]:F1}"));

await writer.DisposeAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
directory.Delete(recursive: true);

static async Task<long> RunAsync(TimeSpan duration, int producers, Func<LogRecord, Task<long>> append, List<double>[] waits)
{
    var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var counts = new long[producers];
    await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
    {
        while (Stopwatch.GetTimestamp() < end)
        {
            var started = Stopwatch.GetTimestamp();
            await append(Rows.Consume(p, counts[p]));
            if (waits.Length > 0)
                waits[p].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            counts[p]++;
        }
    })));
    return counts.Sum();
}
