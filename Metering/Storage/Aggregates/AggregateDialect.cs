using Dapper;

namespace Metering.Storage.Aggregates;

/// <summary>
/// What differs between the stores in an aggregate read: how filters are written, which log rows the
/// rollups do not hold yet, how a column is kept off its index, and the type of a merged sum. The plan
/// (<see cref="LogSpanPlan"/>) and the statement's shape (<see cref="LogAggregateSql"/>) are the same.
/// </summary>
internal abstract class AggregateDialect
{
    /// <summary><c> AND col = @p</c> for each filter of the query; <paramref name="noIndex"/> keeps the planner off those columns' indexes.</summary>
    public abstract string Conditions(LogQuery query, DynamicParameters parameters, bool noIndex);

    /// <summary>The condition on <c>logs</c> for rows the family's rollups do not hold yet (null: the oldest of all families).</summary>
    public abstract string NotRolledUp(RollupFamily? family);

    /// <summary>Written before a log column so the planner does not choose its index (SQLite's unary plus; nothing elsewhere).</summary>
    public abstract string NoIndex { get; }

    /// <summary>Merges one measure over the arms: <paramref name="function"/> of <paramref name="alias"/>, as a 64-bit integer.</summary>
    public virtual string Merge(string function, string alias) => $"{function}({alias})";
}
