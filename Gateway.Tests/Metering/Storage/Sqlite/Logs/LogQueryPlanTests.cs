using Metering.Storage.Aggregates;
using Dapper;
using Metering.Storage;
using Metering.Storage.Sqlite.Rollups;
using Metering.Storage.Sqlite.Logs;

namespace Gateway.Tests.Metering.Storage.Sqlite.Logs;

/// <summary>
/// EXPLAIN QUERY PLAN of the reads: each filter walks its (filter, time) index newest first with no
/// sort and no scan of the table; aggregates read rollups by bucket and fresh rows by id.
/// </summary>
public class LogQueryPlanTests
{
    public static TheoryData<string, string> PageFilters() => new()
    {
        { "", "logs_time_type" },
        { "type", "logs_rare_type_time" },
        { "consume", "logs_time_type" },
        { "group", "logs_grp_time_account" },
        { "token_name", "logs_token_time" },
        { "model", "logs_model_time_account" },
        { "account_id", "logs_account_time" },
    };

    [Theory]
    [MemberData(nameof(PageFilters))]
    public async Task Page_OneFilter_WalksItsIndexWithoutSorting(string filter, string index)
    {
        await using var store = TempStore.Create();
        var query = With(new LogQuery { StartMs = 1, EndMs = 2 }, filter);
        var parameters = new DynamicParameters();

        var plan = await PlanAsync(store, LogQueries.Page(query, 1000, 50, parameters), parameters);

        // The offset is walked in the covering index, in order; only the page's own rows are sorted at the end.
        plan.Should().Contain($"LIST SUBQUERY 1\nSEARCH logs USING COVERING INDEX {index}").And.NotContain("SCAN logs");
        plan.Split('\n').Count(line => line.Contains("TEMP B-TREE")).Should().Be(1, "only the outer query sorts (the page's rows)");
    }

    [Theory]
    [MemberData(nameof(PageFilters))]
    public async Task Export_OneFilter_WalksItsIndexWithoutSorting(string filter, string index)
    {
        await using var store = TempStore.Create();
        var parameters = new DynamicParameters();

        var plan = await PlanAsync(store, LogQueries.Export(With(new LogQuery(), filter), parameters), parameters);

        plan.Should().Contain($"USING INDEX {index}").And.NotContain("TEMP B-TREE").And.NotContain("SCAN logs");
    }

    public static TheoryData<string, string> KeyHolderFilters() => new()
    {
        { "model", "logs_model_time_account" },
        { "type", "logs_rare_type_time" },
        { "group", "logs_grp_time_account" },
    };

    /// <summary>
    /// Issue 4: a key holder's page under one more filter walks that filter's index and skips other
    /// accounts' rows inside it (the index carries account_id): no table read per skipped row.
    /// </summary>
    [Theory]
    [MemberData(nameof(KeyHolderFilters))]
    public async Task Page_KeyHolderWithFilter_ChecksTheAccountInsideTheIndex(string filter, string index)
    {
        await using var store = TempStore.Create();
        var query = With(new LogQuery { ScopeAccountId = 7, StartMs = 1, EndMs = 2 }, filter);
        var parameters = new DynamicParameters();

        var plan = await PlanAsync(store, LogQueries.Page(query, 1, 50, parameters), parameters);

        plan.Should().Contain($"LIST SUBQUERY 1\nSEARCH logs USING COVERING INDEX {index}").And.NotContain("SCAN logs");
        plan.Split('\n').Count(line => line.Contains("TEMP B-TREE")).Should().Be(1, "only the outer query sorts (the page's rows)");
    }

    [Theory]
    [InlineData(LogGrouping.None)]
    [InlineData(LogGrouping.Model)]
    [InlineData(LogGrouping.Day)]
    public async Task Aggregate_RollupPlan_ReadsRollupsByBucketAndFreshRowsById(LogGrouping grouping)
    {
        await using var store = TempStore.Create();
        var query = new LogQuery { Model = "m", StartMs = LogRows.T0 + 1, EndMs = LogRows.T0 + 3 * LogRows.Day + 1 };
        var parameters = new DynamicParameters();
        var sources = LogSpanPlan.Plan(query.StartMs!.Value, query.EndMs!.Value, hours: true, days: true);

        var sql = LogAggregateSql.Build(SqliteAggregateDialect.Instance, query, grouping, LogMeasures.Latency, RollupFamily.ByModel, sources, parameters);
        var plan = await PlanAsync(store, sql, parameters);

        plan.Should().Contain("SEARCH log_rollup_model_day USING PRIMARY KEY (bucket_ms>? AND bucket_ms<?)")
            .And.Contain("SEARCH log_rollup_model_hour USING PRIMARY KEY (bucket_ms>? AND bucket_ms<?)")
            .And.Contain("SEARCH logs USING INTEGER PRIMARY KEY (rowid>?)")
            .And.Contain("SEARCH logs USING INDEX logs_model_time_account (model=? AND time_ms>? AND time_ms<?)")
            .And.NotContain("SCAN logs").And.NotContain("SCAN log_rollup_model");
    }

    [Fact]
    public async Task Aggregate_KeyHolderByModel_ReadsTheDailyRollupByAccount()
    {
        await using var store = TempStore.Create();
        var query = new LogQuery { ScopeAccountId = 7, StartMs = LogRows.T0 + 1, EndMs = LogRows.T0 + 30 * LogRows.Day + 1 };
        var parameters = new DynamicParameters();
        var sources = LogSpanPlan.Plan(query.StartMs!.Value, query.EndMs!.Value, hours: false, days: true);

        var sql = LogAggregateSql.Build(SqliteAggregateDialect.Instance, query, LogGrouping.Model, LogMeasures.Latency, RollupFamily.ByKeyAndModel, sources, parameters);
        var plan = await PlanAsync(store, sql, parameters);

        plan.Should().Contain("SEARCH log_rollup_key_model_day USING INDEX log_rollup_key_model_day_account (account_id=? AND bucket_ms>? AND bucket_ms<?)")
            .And.Contain("SEARCH logs USING INDEX logs_account_time (account_id=? AND time_ms>? AND time_ms<?)")
            .And.Contain("SEARCH logs USING INTEGER PRIMARY KEY (rowid>?)")
            .And.NotContain("SCAN logs");
    }

    [Fact]
    public async Task Count_KeyHolderWithModel_ReadsTheDailyRollupByAccountAndModel()
    {
        await using var store = TempStore.Create();
        var query = new LogQuery { ScopeAccountId = 7, Model = "m", StartMs = LogRows.T0 + 1, EndMs = LogRows.T0 + 30 * LogRows.Day + 1 };
        var parameters = new DynamicParameters();
        var sources = LogSpanPlan.Plan(query.StartMs!.Value, query.EndMs!.Value, hours: false, days: true);

        var sql = LogAggregateSql.Build(SqliteAggregateDialect.Instance, query, LogGrouping.None, LogMeasures.Count, RollupFamily.ByKeyAndModel, sources, parameters);
        var plan = await PlanAsync(store, sql, parameters);

        plan.Should().Contain("SEARCH log_rollup_key_model_day USING INDEX log_rollup_key_model_day_account_model (account_id=? AND model=? AND bucket_ms>? AND bucket_ms<?)")
            .And.Contain("SEARCH logs USING COVERING INDEX logs_model_time_account (model=? AND time_ms>? AND time_ms<?)")
            .And.NotContain("SCAN logs");
    }

    private static LogQuery With(LogQuery query, string filter) => filter switch
    {
        "type" => query with { Type = "error" },
        "consume" => query with { Type = "consume" },
        "group" => query with { Group = "vip" },
        "token_name" => query with { TokenName = "ci" },
        "model" => query with { Model = "gpt-4o" },
        "account_id" => query with { AccountId = 3 },
        _ => query,
    };

    [Fact]
    public async Task ResponseCreator_SearchesThePartialResponseIdIndex()
    {
        await using var store = TempStore.Create();
        var parameters = new DynamicParameters();

        var plan = await PlanAsync(store, LogQueries.ResponseCreator("resp_1", 1, parameters), parameters);

        plan.Should().Be("SEARCH logs USING INDEX logs_response_id (<expr>=?)");
    }

    private static async Task<string> PlanAsync(TempStore store, string sql, DynamicParameters parameters)
    {
        await using var connection = await store.Database.OpenAsync();
        var rows = await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>("EXPLAIN QUERY PLAN " + sql, parameters);
        return string.Join("\n", rows.Select(r => r.Detail));
    }
}
