using Dapper;
using Metering.Storage.Aggregates;
using Metering.Storage.Sqlite.Rollups;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>SQLite's aggregate reads: per-family, per-partition watermarks and <c>+column</c> to keep off an index.</summary>
internal sealed class SqliteAggregateDialect : AggregateDialect
{
    public static readonly SqliteAggregateDialect Instance = new();

    public override string Conditions(LogQuery query, DynamicParameters parameters, bool noIndex) =>
        LogFilterSql.Conditions(query, parameters, noIndex);

    public override string NotRolledUp(RollupFamily? family) => RollupBuilder.NotRolledUpSql(family);

    public override string NoIndex => "+";
}
