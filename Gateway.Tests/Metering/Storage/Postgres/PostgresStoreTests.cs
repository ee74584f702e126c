using Dapper;
using Metering.Storage;
using Metering.Storage.Postgres;
using Metering.Storage.Postgres.Engine;
using Metering.Storage.Postgres.Logs;
using static Gateway.Tests.Metering.Storage.LogRows;

namespace Gateway.Tests.Metering.Storage.Postgres;

/// <summary>The PostgreSQL store's schema work: migrations by many instances, monthly partitions, retention by month.</summary>
[Trait(Fakes.StoreTraits.Name, Fakes.StoreTraits.Postgres)]
public class PostgresStoreTests
{
    private static readonly long Jan2020 = DateTimeOffset.Parse("2020-01-15T12:00:00Z").ToUnixTimeMilliseconds();
    private static readonly long Feb2020 = DateTimeOffset.Parse("2020-02-15T12:00:00Z").ToUnixTimeMilliseconds();
    private static readonly long Mar2020 = DateTimeOffset.Parse("2020-03-05T12:00:00Z").ToUnixTimeMilliseconds();

    [Fact]
    public async Task Migrate_FourInstancesAtOnce_EachStepAppliedOnce()
    {
        var connectionString = await (await Fakes.PostgresServer.SharedAsync()).CreateDatabaseAsync();
        var databases = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(connectionString)).ToList();

        await Task.WhenAll(databases.Select(d => Task.Run(() => new PostgresStoreMaintenance(d, new LogPartitions(), TimeProvider.System).Migrate())));

        await using var connection = await databases[0].OpenAsync();
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations")).Should().Be(PostgresMigrations.LatestVersion);
        var partitions = LogPartitions.List(connection);
        partitions.Should().HaveCount(1 + LogPartitions.MonthsAhead, "this month's and the next, created once");
        partitions[0].StartMs.Should().Be(LogPartitions.MonthStart(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        foreach (var database in databases)
            await database.DisposeAsync();
    }

    [Fact]
    public async Task Append_RowsInMonthsWithoutPartition_PartitionsCreatedAndRowsRead()
    {
        await using var store = await TempPostgresStore.CreateAsync();

        await store.AppendAsync([Row(Jan2020), Row(Feb2020), Row(Feb2020 + Hour)]);

        await using var connection = await store.Database.OpenAsync();
        LogPartitions.List(connection).Select(p => p.Name).Should().Contain(["logs_2020_01", "logs_2020_02"]);
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM logs_2020_02")).Should().Be(2);
        var (items, total) = await store.Logs.PageAsync(new LogQuery { StartMs = Jan2020, EndMs = Feb2020 + Day }, 1, 10);
        total.Should().Be(3);
        items.Select(r => r.TimeMs).Should().Equal(Feb2020 + Hour, Feb2020, Jan2020);
    }

    [Fact]
    public async Task Retention_DropsWholeMonthsEndingBeforeTheCutoff_KeepsTheMonthItFallsIn()
    {
        await using var store = await TempPostgresStore.CreateAsync();
        await store.AppendAsync([Row(Jan2020), Row(Feb2020), Row(Mar2020), Row(Mar2020 + 10 * Day)]);

        var cutoff = Mar2020 + 5 * Day;
        await store.RollUpAsync();
        while (await store.Maintenance.DeleteLogsBeforeAsync(cutoff, 200) == 200)
        {
        }

        await using var connection = await store.Database.OpenAsync();
        LogPartitions.List(connection).Select(p => p.Name).Should().NotContain(["logs_2020_01", "logs_2020_02"]).And.Contain("logs_2020_03");
        (await connection.QueryAsync<long>("SELECT time_ms FROM logs ORDER BY time_ms")).Should().Equal(Mar2020, Mar2020 + 10 * Day);

        // A late row for a dropped month finds its partition again.
        await store.AppendAsync([Row(Jan2020)]);
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM logs_2020_01")).Should().Be(1);
    }

    [Fact]
    public async Task Retention_AMonthNotYetRolledUp_StaysUntilItIs_ThenItsSumsOutliveItsRows()
    {
        await using var store = await TempPostgresStore.CreateAsync();
        await store.AppendAsync([Row(Jan2020, spendNano: 7_000, input: 30), Row(Jan2020 + Day, spendNano: 5_000, input: 12), Row(Mar2020)]);
        var january = new LogQuery { StartMs = Jan2020 - 14 * Day, EndMs = Feb2020 - 14 * Day };
        var cutoff = Mar2020 + 5 * Day;

        (await store.Maintenance.DeleteLogsBeforeAsync(cutoff, 200)).Should().Be(0, "January's rows are not in the rollups yet");
        (await store.ScalarAsync<long>("SELECT COUNT(*) FROM logs_2020_01")).Should().Be(2);

        await store.RollUpAsync();
        while (await store.Maintenance.DeleteLogsBeforeAsync(cutoff, 200) == 200)
        {
        }

        (await store.ScalarAsync<long>("SELECT COUNT(*) FROM logs")).Should().Be(1, "January is dropped");
        var stats = await store.Logs.StatsAsync(january, nowMs: Mar2020);
        stats.Range.Should().Be(new LogTotals(2, 12_000, 42, 10), "the dropped month's sums stay in the rollups");
        (await store.Logs.GroupAsync(january, LogGrouping.Day)).Select(g => g.Totals.SpendNano).Should().Equal(7_000, 5_000);
    }

    [Fact]
    public async Task RollUp_ManyInstancesAtOnceWhileRowsArrive_EachRowCountedOnce()
    {
        await using var store = await TempPostgresStore.CreateAsync();
        var rows = LogRows.Random(3_000, seed: 11);
        var appending = Task.Run(async () =>
        {
            foreach (var chunk in rows.Chunk(100))
                await store.AppendAsync(chunk);
        });
        // Four "instances" fold in small chunks while rows commit: the watermark row's lock lets one at a time in.
        var folding = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!appending.IsCompleted)
                await store.RollUpAsync(97);
        })).ToList();
        await Task.WhenAll(folding.Append(appending));
        await store.RollUpAsync();

        (await store.ScalarAsync<long>("SELECT last_id FROM log_rollup_state")).Should().Be(3_000);
        (await store.ScalarAsync<long>("SELECT SUM(requests) FROM log_rollup_group_day")).Should().Be(3_000);
        (await store.ScalarAsync<long>("SELECT SUM(spend_nano) FROM log_rollup_key_model_day")).Should().Be(rows.Sum(r => r.SpendNano));
        (await store.ScalarAsync<long>("SELECT SUM(requests) FROM log_rollup_model_hour")).Should().Be(3_000);
    }

    /// <summary>
    /// A database the row-id counter's builds wrote (migrations 1-5): the upgrade carries the ids on above its
    /// rows, and the rollups, whose horizon starts at the counter, count the old rows and the new ones once.
    /// </summary>
    [Fact]
    public async Task Migrate_FromTheRowIdCounter_IdsGoOnAboveItsRows_RollupsCountOldAndNew()
    {
        var connectionString = await (await Fakes.PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using (var old = new PostgresDatabase(connectionString))
        {
            PostgresMigrations.Apply(old, nowMs: 0, upToVersion: 5);
            await using var connection = await old.OpenAsync();
            new LogPartitions().EnsureFor(connection, [Jan2020]);
            await connection.ExecuteAsync("""
                INSERT INTO logs (id, request_id, time_ms, type, spend_nano) SELECT g, 'old', @Jan2020, 'consume', 10 FROM generate_series(1, 3) g;
                UPDATE log_id_counter SET last_id = 3;
                """, new { Jan2020 });
        }
        await using var store = TempPostgresStore.Open(connectionString);

        await store.AppendAsync([Row(Jan2020 + 1, spendNano: 5), Row(Jan2020 + 2, spendNano: 6)]);
        await store.RollUpAsync();

        (await store.ScalarAsync<string>("SELECT string_agg(id::text, ',' ORDER BY id) FROM logs")).Should().Be("1,2,3,4,5");
        (await store.ScalarAsync<long>("SELECT last_id FROM log_rollup_state")).Should().Be(5);
        (await store.ScalarAsync<long>("SELECT SUM(requests) FROM log_rollup_group_day")).Should().Be(5);
        (await store.ScalarAsync<long>("SELECT SUM(spend_nano) FROM log_rollup_group_day")).Should().Be(41);
    }

    /// <summary>
    /// Row ids come from a sequence and commit out of order. A batch that took an id and has not committed
    /// while later ids did must hold the watermark below its id: a fold that went past it would never count
    /// its row. The in-flight batch is a transaction opened by hand, as the writer opens one: batch id first.
    /// </summary>
    [Fact]
    public async Task RollUp_AnIdStillInFlightBelowCommittedOnes_WatermarkWaitsForIt_ThenCountsIt()
    {
        await using var store = await TempPostgresStore.CreateAsync();
        await store.AppendAsync([Row(Jan2020)]);
        await using var slow = await store.Database.OpenAsync();
        await using var inFlight = await slow.BeginTransactionAsync();
        var heldId = await HandWrittenRow.WriteAsync(slow, inFlight, Jan2020, spendNano: 9);

        await store.AppendAsync([Row(Jan2020 + 1, spendNano: 5), Row(Jan2020 + 2, spendNano: 6)]);
        await store.RollUpAsync();

        (await store.ScalarAsync<long>("SELECT MAX(id) FROM logs")).Should().BeGreaterThan(heldId, "later ids committed first");
        (await store.ScalarAsync<long>("SELECT last_id FROM log_rollup_state")).Should().BeLessThan(heldId);

        await inFlight.CommitAsync();
        await store.RollUpAsync();

        (await store.ScalarAsync<long>("SELECT last_id FROM log_rollup_state")).Should().Be(await store.ScalarAsync<long>("SELECT MAX(id) FROM logs"));
        (await store.ScalarAsync<long>("SELECT SUM(requests) FROM log_rollup_group_day")).Should().Be(4);
        (await store.ScalarAsync<long>("SELECT SUM(spend_nano) FROM log_rollup_group_day")).Should()
            .Be(await store.ScalarAsync<long>("SELECT SUM(spend_nano) FROM logs"));
    }

    /// <summary>Every instance prunes batch ids on every rollup pass: over an hour of commits a full read took 190-280 ms.</summary>
    [Fact]
    public async Task PruneOfOldBatchIds_ReadsOnlyThemByItsIndex()
    {
        await using var store = await TempPostgresStore.CreateAsync();
        await using var connection = await store.Database.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO write_batches SELECT gen_random_uuid(), g FROM generate_series(1, 50000) g");
        await connection.ExecuteAsync("ANALYZE write_batches");

        var plan = string.Join("\n", await connection.QueryAsync<string>("EXPLAIN " + PostgresStoreMaintenance.PruneBatchIdsSql, new { before = 100L }));

        plan.Should().Contain("write_batches_committed").And.NotContain("Seq Scan");
    }

    [Fact]
    public async Task Append_TextHoldingNul_StoredAsReplacementCharacter_AndFoundByTheSameFilter()
    {
        await using var store = await TempPostgresStore.CreateAsync();

        await store.AppendAsync([Row(Jan2020, model: "m\0x", message: "a\0b")]);

        var (items, _) = await store.Logs.PageAsync(new LogQuery { Model = "m\0x" }, 1, 10);
        items.Should().ContainSingle().Which.Message.Should().Be("a\uFFFDb");
    }
}
