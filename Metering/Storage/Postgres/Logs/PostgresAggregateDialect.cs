using Dapper;
using Metering.Storage.Aggregates;
using Metering.Storage.Postgres.Rollups;
using Npgsql;

namespace Metering.Storage.Postgres.Logs;

/// <summary>
/// PostgreSQL's aggregate reads: one watermark for every rollup table (<see cref="PostgresRollups"/>),
/// read in the same snapshot as the statement and written into it as a number, so the planner knows
/// how few rows lie above it and walks them by id; sums cast back from numeric.
/// </summary>
internal sealed class PostgresAggregateDialect(long rolledUpToId) : AggregateDialect
{
    /// <summary>A dialect for one snapshot: the watermark read inside the transaction the aggregate statements then run in.</summary>
    public static async Task<PostgresAggregateDialect> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction snapshot) =>
        new(await connection.ExecuteScalarAsync<long>(PostgresRollups.WatermarkSql, transaction: snapshot));

    public override string Conditions(LogQuery query, DynamicParameters parameters, bool noIndex) =>
        PostgresLogSql.Conditions(query, parameters);

    public override string NotRolledUp(RollupFamily? family) => $"id > {rolledUpToId}";

    public override string NoIndex => "";

    // SUM over bigint is numeric in PostgreSQL; the readers take 64-bit integers.
    public override string Merge(string function, string alias) =>
        function == "SUM" ? $"SUM({alias})::bigint" : base.Merge(function, alias);
}
