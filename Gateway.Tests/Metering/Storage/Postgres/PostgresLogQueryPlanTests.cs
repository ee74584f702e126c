using Dapper;
using Metering.Storage;
using Metering.Storage.Aggregates;
using Metering.Storage.Postgres.Logs;
using Npgsql;
using static Gateway.Tests.Metering.Storage.LogRows;

namespace Gateway.Tests.Metering.Storage.Postgres;

/// <summary>
/// EXPLAIN of the query API's reads on PostgreSQL. Plans depend on table statistics, so each read is
/// planned with sorts and sequential scans priced out: a plan that still sorts or scans means no index
/// serves the read (a real regression, not a planner mood). A time range reads only its months' partitions.
/// </summary>
[Trait(Fakes.StoreTraits.Name, Fakes.StoreTraits.Postgres)]
public class PostgresLogQueryPlanTests : IAsyncLifetime
{
    private static readonly long Jan2020 = DateTimeOffset.Parse("2020-01-15T12:00:00Z").ToUnixTimeMilliseconds();
    private TempPostgresStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await TempPostgresStore.CreateAsync();
        // Three months of partitions: January, February, March 2020.
        await _store.AppendAsync([Row(Jan2020), Row(Jan2020 + 31 * Day), Row(Jan2020 + 60 * Day)]);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public static TheoryData<string, string> PageFilters() => new()
    {
        { "", "time_ms_id_idx" },
        { "type", "type_time_ms_id_idx" },
        { "group", "grp_time_ms_id_idx" },
        { "token_name", "token_name_time_ms_id_idx" },
        { "model", "model_time_ms_id_idx" },
        { "account_id", "account_id_time_ms_id_idx" },
    };

    [Theory]
    [MemberData(nameof(PageFilters))]
    public async Task Page_OneFilter_WalksItsIndexNewestFirstWithoutSorting(string filter, string index)
    {
        var parameters = new DynamicParameters();
        var query = With(new LogQuery { StartMs = Jan2020, EndMs = Jan2020 + Day }, filter);

        var plan = await PlanAsync(PostgresLogSql.Page(query, 3, 50, parameters), parameters);

        plan.Should().Contain("Index Scan Backward using logs_2020_01_" + index).And.NotContain("Sort").And.NotContain("Seq Scan");
        plan.Should().NotContain("logs_2020_02", "the range lies in January: other months are pruned");
    }

    [Theory]
    [MemberData(nameof(PageFilters))]
    public async Task Export_OneFilterOverEveryMonth_AppendsThePartitionsNewestFirstWithoutSorting(string filter, string index)
    {
        var parameters = new DynamicParameters();

        var plan = await PlanAsync(PostgresLogSql.Export(With(new LogQuery(), filter), parameters), parameters);

        // Partitions are disjoint month ranges: an ordered Append walks them newest first, each backward in its index.
        plan.Should().Contain("Append").And.Contain("Index Scan Backward using logs_2020_03_" + index)
            .And.NotContain("Sort").And.NotContain("Seq Scan");
    }

    [Theory]
    [MemberData(nameof(PageFilters))]
    public async Task Page_AfterKeysetCursor_StartsInsideItsIndexWithoutSorting(string filter, string index)
    {
        var parameters = new DynamicParameters();
        var query = With(new LogQuery { StartMs = Jan2020, EndMs = Jan2020 + Day, BeforeId = 2 }, filter);

        var plan = await PlanAsync(PostgresLogSql.Page(query, 1, 50, parameters), parameters);

        // The cursor's (time, id) bounds the walk in the index itself: a deep page costs what the first does.
        plan.Should().Contain("Index Scan Backward using logs_2020_01_" + index).And.Contain("(ROW(time_ms, id) < ROW(")
            .And.NotContain("Sort").And.NotContain("Seq Scan");
    }

    [Fact]
    public async Task Page_KeyHolderWithModelFilter_ReadsThroughAnIndex()
    {
        var parameters = new DynamicParameters();
        var query = new LogQuery { StartMs = Jan2020, EndMs = Jan2020 + Day, Model = "m1", ScopeAccountId = 7 };

        var plan = await PlanAsync(PostgresLogSql.Page(query, 1, 50, parameters), parameters);

        plan.Should().Contain("Index").And.NotContain("Seq Scan").And.NotContain("logs_2020_02");
    }

    [Fact]
    public async Task ResponseCreator_ReadsThePartialResponseIdIndexOfEachMonth()
    {
        var parameters = new DynamicParameters();

        var plan = await PlanAsync(PostgresLogSql.ResponseCreator("resp_1", 1, parameters), parameters);

        plan.Should().Contain("Index Scan using logs_2020_01_expr_idx").And.NotContain("Seq Scan");
    }

    [Theory]
    [InlineData("", "log_rollup_group_day")]
    [InlineData("model", "log_rollup_model_day")]
    [InlineData("token_name", "log_rollup_key_day")]
    public async Task Stats_OverWholeDays_ReadTheRollups_AndTheLogOnlyAtTheEdgesAndAboveTheWatermarkById(string filter, string rollup)
    {
        // 30,000 February rows, all but the last 10 rolled up (the statistics must show how few lie above).
        await using (var connection = await _store.Database.OpenAsync())
            await connection.ExecuteAsync("""
                INSERT INTO logs (id, request_id, time_ms, type, account_id, token_name, grp, model)
                SELECT 1000 + g, 'seed' || g, @feb + g * 60, 'consume', 1, 'k1', 'default', 'm1' FROM generate_series(1, 30000) g;
                ANALYZE logs;
                """, new { feb = Jan2020 + 31 * Day });
        var parameters = new DynamicParameters();
        // Mid-January to mid-March: whole days from the rollups, the partial hours at each end from the log.
        var query = With(new LogQuery { Type = "consume", StartMs = Jan2020 + 7 * 60_000, EndMs = Jan2020 + 60 * Day + 5 * 60_000 }, filter);
        var family = RollupFamily.For(filter == "" ? ["type"] : ["type", filter], needsHours: false)!;
        var sources = LogSpanPlan.Plan(query.StartMs!.Value, query.EndMs!.Value, hours: family.HasHours, days: true);
        var dialect = new PostgresAggregateDialect(rolledUpToId: 30_990);

        var plan = await PlanAsync(LogAggregateSql.Build(dialect, query, LogGrouping.None, LogMeasures.Totals, family, sources, parameters), parameters);

        plan.Should().Contain(rollup).And.NotContain("Seq Scan");
        // February lies inside the whole days: the log is read there only for the rows above the watermark, by id.
        plan.Split('\n').Where(line => line.Contains("on logs_2020_02")).Should().NotBeEmpty()
            .And.OnlyContain(line => line.Contains("logs_2020_02_pkey"), plan);
    }

    private static LogQuery With(LogQuery query, string filter) => filter switch
    {
        "type" => query with { Type = "error" },
        "group" => query with { Group = "default" },
        "token_name" => query with { TokenName = "k1" },
        "model" => query with { Model = "m1" },
        "account_id" => query with { AccountId = 1 },
        _ => query,
    };

    private async Task<string> PlanAsync(string sql, DynamicParameters parameters)
    {
        await using var connection = await _store.Database.OpenAsync();
        await connection.ExecuteAsync("SET enable_sort = off; SET enable_seqscan = off; SET enable_bitmapscan = off");
        var lines = await connection.QueryAsync<string>("EXPLAIN " + sql, parameters);
        return string.Join('\n', lines);
    }
}
