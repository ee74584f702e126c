using Dapper;
using Metering.Storage;
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
