using Dapper;
using Metering.Logs;
using Metering.Storage.Aggregates;

namespace Metering.Storage.Postgres.Logs;

/// <summary>
/// SQL for reading log rows in PostgreSQL. Columns come from <see cref="LogColumns"/> only; every value
/// is a parameter. Pages and exports are newest first, <c>(time_ms, id)</c> descending: each index on the log
/// ends in <c>(time_ms, id)</c>, so a filtered page is an index walk, and the time range prunes the
/// monthly partitions it does not touch.
/// </summary>
internal static class PostgresLogSql
{


    private const string Newest = "ORDER BY time_ms DESC, id DESC";


    /// <summary>The response id of a row (<c>details.response_id</c>): the expression <c>logs_response_id</c> indexes.</summary>
    public const string ResponseIdExpression = "((details::jsonb) ->> 'response_id')";

    /// <summary>The partial index's condition, repeated by its query so the planner can use the index.</summary>
    public const string HasResponseId = "strpos(details, '\"response_id\"') > 0";

    /// <summary>The row that created the response, when the account made it (a provider's ids are unique: one row).</summary>
    public static string ResponseCreator(string responseId, long accountId, DynamicParameters parameters)
    {
        parameters.Add("responseId", responseId);
        parameters.Add("accountId", accountId);
        return $"SELECT {LogColumns.Record} FROM logs WHERE {HasResponseId} AND {ResponseIdExpression} = @responseId AND account_id = @accountId LIMIT 1";
    }

    public static string Get(long id, long? accountScope, DynamicParameters parameters)
    {
        parameters.Add("id", id);
        return $"SELECT {LogColumns.Record} FROM logs WHERE id = @id" + Conditions(new LogQuery { ScopeAccountId = accountScope }, parameters);
    }

    /// <summary>One page: by offset, after the keyset cursor when the query has one.</summary>
    public static string Page(LogQuery query, int page, int pageSize, DynamicParameters parameters)
    {
        parameters.Add("limit", pageSize);
        parameters.Add("offset", (long)(page - 1) * pageSize);
        return $"SELECT {LogColumns.Record} FROM logs {Where(query, parameters)}{LogColumns.Before(query, parameters)} {Newest} LIMIT @limit OFFSET @offset";
    }

    public static string Export(LogQuery query, DynamicParameters parameters) => $"SELECT {LogColumns.Record} FROM logs {Where(query, parameters)} {Newest}";

    /// <summary><c>WHERE</c> with the time range and every filter set.</summary>
    public static string Where(LogQuery query, DynamicParameters parameters)
    {
        parameters.Add("start", query.StartMs ?? LogSpanPlan.Beginning);
        parameters.Add("end", query.EndMs ?? LogSpanPlan.Forever);
        return "WHERE time_ms >= @start AND time_ms < @end" + Conditions(query, parameters);
    }

    public static string Conditions(LogQuery query, DynamicParameters parameters)
    {
        var sql = "";
        foreach (var filter in LogColumns.Filters)
        {
            if (filter.Value(query) is not { } value)
                continue;
            parameters.Add(filter.Parameter, value is string text ? PostgresText.Storable(text) : value);
            sql += $" AND {filter.Column} = @{filter.Parameter}";
            // The planner proves a partial index's condition from constants only: spelled out for the rare-type index.
            if (filter.Column == "type" && !Equals(value, LogType.Consume))
                sql += $" AND type <> '{LogType.Consume}'";
        }
        return sql;
    }
}
