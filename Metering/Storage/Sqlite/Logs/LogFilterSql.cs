using Dapper;
using Metering.Logs;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// Turns a <see cref="LogQuery"/> into SQL conditions. Columns come from this fixed list only; every
/// value is a parameter. The same column names exist in the log table and in the rollup tables.
/// </summary>
internal static class LogFilterSql
{
    private static LogColumns.Filter[] Filters => LogColumns.Filters;


    // SQLite uses a partial index only when the query's WHERE implies the index's own, and it cannot see
    // that from a bound value: the index condition (migration step 3) is spelled out, to the letter.
    private const string RareTypeIndexCondition = $" AND type <> '{LogType.Consume}'";

    /// <summary>
    /// <c>AND col = @p</c> for each filter set, with the values added to <paramref name="parameters"/>.
    /// <paramref name="noIndex"/> writes <c>+col</c>, which keeps SQLite from choosing an index on it.
    /// </summary>
    public static string Conditions(LogQuery query, DynamicParameters parameters, bool noIndex = false)
    {
        var sql = "";
        foreach (var filter in Filters)
        {
            if (filter.Value(query) is not { } value)
                continue;
            parameters.Add(filter.Parameter, value);
            sql += $" AND {(noIndex ? "+" : "")}{filter.Column} = @{filter.Parameter}";
            if (filter.Column == "type" && !noIndex && !Equals(value, LogType.Consume))
                sql += RareTypeIndexCondition;
        }
        return sql;
    }
}
