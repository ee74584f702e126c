using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Rollups;

namespace QueryBench;

/// <summary>
/// Builds a store of the gateway's own schema with N log rows over D days ending now: accounts with
/// four keys each, keys in groups <c>default</c> and <c>vip</c>, each key calling mostly its own four
/// models. Rows are generated in SQL (a recursive CTE), one transaction per million, with the log's
/// indexes dropped during the load and rebuilt after; then the rollups are built the way the gateway's
/// job builds them.
/// </summary>
internal static class Seeder
{
    public const string KeySecretPrefix = "sk-gw-bench-key-";
    private const long Batch = 1_000_000;

    public static void Run(BenchArgs args)
    {
        var path = args.Text("db", "bench.db");
        var rows = args.Number("rows", 10_000_000);
        var days = args.Number("days", 90);
        var accounts = args.Number("accounts", 50);
        var keys = args.Number("keys", 200);
        var models = args.Number("models", 30);
        foreach (var file in new[] { path, SqliteDatabase.LedgerPathFor(path) })
            foreach (var suffix in new[] { "", "-wal", "-shm" })
                File.Delete(file + suffix);

        var database = new SqliteDatabase($"Data Source={path}");
        Migrations.Apply(database);
        using var connection = database.Open();
        var endMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var spanMs = days * 86_400_000;
        SeedAccountsAndKeys(connection, accounts, keys, endMs);

        var indexes = connection.Query<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'logs' AND sql IS NOT NULL").AsList();
        foreach (var index in indexes)
            connection.Execute($"DROP INDEX {index.Name}");
        connection.Execute("PRAGMA synchronous=OFF");
        var clock = Stopwatch.StartNew();
        for (long first = 0; first < rows; first += Batch)
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(InsertSql, new { first, last = Math.Min(rows, first + Batch) - 1, rows, start = endMs - spanMs, spanMs, keys, accounts, models }, transaction);
            transaction.Commit();
            Console.WriteLine($"rows {Math.Min(rows, first + Batch):N0} at {clock.Elapsed.TotalSeconds:F0} s");
        }
        var loaded = clock.Elapsed;
        foreach (var index in indexes)
            connection.Execute(index.Sql);
        var indexed = clock.Elapsed;
        RollupBuilder.CatchUp(connection, 1_000_000, id => Console.WriteLine($"rollups to id {id:N0} at {clock.Elapsed.TotalSeconds:F0} s"));
        connection.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
        Console.WriteLine($"seeded {rows:N0} rows over {days} days: load {loaded.TotalSeconds:F0} s, indexes {(indexed - loaded).TotalSeconds:F0} s, " +
                          $"rollups {(clock.Elapsed - indexed).TotalSeconds:F0} s, total {clock.Elapsed.TotalSeconds:F0} s, file {new FileInfo(path).Length / 1e9:F2} GB");
    }

    private static void SeedAccountsAndKeys(Microsoft.Data.Sqlite.SqliteConnection connection, long accounts, long keys, long nowMs)
    {
        using var transaction = connection.BeginTransaction();
        for (var a = 1; a <= accounts; a++)
            connection.Execute("INSERT INTO accounts (id, name, balance_nano, record_ip, created_ms) VALUES (@a, @name, 1000000000000000, 0, @nowMs)",
                new { a, name = $"account-{a}", nowMs }, transaction);
        for (var k = 0; k < keys; k++)
            connection.Execute("""
                INSERT INTO api_keys (id, account_id, name, grp, key_hash, key_hint, created_ms)
                VALUES (@id, @account, @name, @grp, @hash, 'sk-gw-…', @nowMs)
                """,
                new { id = k + 1, account = k % accounts + 1, name = $"key-{k}", grp = Group(k), hash = SHA256.HashData(Encoding.UTF8.GetBytes(KeySecretPrefix + k)), nowMs },
                transaction);
        transaction.Commit();
    }

    public static string Group(long key) => key % 3 == 0 ? "vip" : "default";

    // Row i of N sits at start + i/N of the span (ids follow time, as in a live log). r1..r3 are
    // independent random numbers, drawn once per row (MATERIALIZED: SQLite would otherwise draw again
    // at every use of a column); key k belongs to account k % accounts + 1 and calls model
    // (7k + r % 4) % models nine times in ten, any model otherwise.
    private const string InsertSql = """
        WITH RECURSIVE n(i) AS (SELECT @first UNION ALL SELECT i + 1 FROM n WHERE i < @last),
        r AS MATERIALIZED (SELECT i, abs(random()) AS r1, abs(random()) AS r2, abs(random()) AS r3, abs(random()) % @keys AS k FROM n),
        v AS (SELECT i, r1, r2, r3, k,
                     CASE WHEN r1 % 1000 < 969 THEN 'consume' WHEN r1 % 1000 < 999 THEN 'error' ELSE 'system' END AS type,
                     CASE WHEN r2 % 10 = 0 THEN r3 % @models ELSE (k * 7 + r2 % 4) % @models END AS m,
                     r2 % 2 = 0 AS stream, r3 % 8000 AS tin, r2 % 2000 AS tout
              FROM r)
        INSERT INTO logs (request_id, time_ms, type, account_id, key_id, token_name, grp, model, path, status, stream,
                          duration_ms, first_token_ms, input_tokens, output_tokens, cached_tokens, cache_write_tokens,
                          spend_nano, ip, message, details)
        SELECT 'req_' || lower(hex(randomblob(16))), @start + i * @spanMs / @rows, type, k % @accounts + 1, k + 1,
               CASE WHEN type = 'system' THEN '' ELSE 'key-' || k END,
               CASE WHEN type = 'system' THEN '' WHEN k % 3 = 0 THEN 'vip' ELSE 'default' END,
               CASE WHEN type = 'system' THEN '' ELSE printf('model-%02d', m) END,
               CASE WHEN type = 'system' THEN '/admin/accounts/' || (k % @accounts + 1) || '/topup' ELSE '/v1/chat/completions' END,
               CASE type WHEN 'error' THEN 502 ELSE 200 END, stream,
               CASE WHEN type = 'system' THEN NULL ELSE 150 + r1 % 2500 + (r3 % 10 = 0) * (r2 % 60000) END,
               CASE WHEN stream AND type = 'consume' THEN 80 + r3 % 1500 END,
               CASE type WHEN 'consume' THEN tin ELSE 0 END, CASE type WHEN 'consume' THEN tout ELSE 0 END,
               CASE type WHEN 'consume' THEN tin / 4 ELSE 0 END, 0,
               CASE type WHEN 'consume' THEN (tin + 4 * tout) * 2000 * (1 + m % 5) ELSE 0 END,
               NULL,
               CASE type WHEN 'error' THEN 'upstream answered 502: bad gateway' WHEN 'system' THEN 'top-up of 10 USD' END,
               CASE WHEN type = 'system' THEN NULL ELSE '{"model_ratio":' || (1 + m % 5) || ',"completion_ratio":4,"cache_ratio":0.5,"cache_write_ratio":1.25,"group_ratio":1,"input_price_per_1m":2,"output_price_per_1m":8,"usage_source":"upstream","completed":true}' END
        FROM v
        """;
}
