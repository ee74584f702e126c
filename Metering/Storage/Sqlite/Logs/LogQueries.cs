using Metering.Storage.Aggregates;
using Dapper;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// SQL for reading rows. Pages and exports are newest first, <c>(time_ms, id)</c> descending, which the
/// <c>(filter, time_ms)</c> indexes deliver without sorting (every index ends in the rowid).
/// </summary>
internal static class LogQueries
{
    public const string Columns = LogColumns.Record;


    private const string Newest = "ORDER BY time_ms DESC, id DESC";

    /// <summary>The response id of a row (<c>details.response_id</c>): the expression <c>logs_response_id</c> indexes.</summary>
    public const string ResponseIdExpression = "json_extract(details, '$.response_id')";

    /// <summary>The partial index's condition, repeated word for word by its query so SQLite can use the index.</summary>
    public const string HasResponseId = "instr(details, '\"response_id\"') > 0";

    /// <summary>The row that created the response, when the account made it (a provider's ids are unique: one row).</summary>
    public static string ResponseCreator(string responseId, long accountId, DynamicParameters parameters)
    {
        parameters.Add("responseId", responseId);
        parameters.Add("accountId", accountId);
        return $"SELECT {Columns} FROM logs WHERE {HasResponseId} AND {ResponseIdExpression} = @responseId AND account_id = @accountId LIMIT 1";
    }

    public static string Get(long id, long? accountScope, DynamicParameters parameters)
    {
        parameters.Add("id", id);
        return $"SELECT {Columns} FROM logs WHERE id = @id"
            + LogFilterSql.Conditions(new LogQuery { ScopeAccountId = accountScope }, parameters);
    }

    /// <summary>
    /// One page. The offset is walked inside the index alone; only the page's own rows are read from
    /// the table (a deep page costs index steps, not row reads).
    /// </summary>
    public static string Page(LogQuery query, int page, int pageSize, DynamicParameters parameters)
    {
        parameters.Add("limit", pageSize);
        parameters.Add("offset", (long)(page - 1) * pageSize);
        return $"SELECT {Columns} FROM logs WHERE id IN (SELECT id FROM logs {Where(query, parameters)}{LogColumns.Before(query, parameters)} {Newest} LIMIT @limit OFFSET @offset) {Newest}";
    }

    /// <summary>Every matching row, newest first, in the layout of <see cref="LogRecordReader"/>.</summary>
    public static string Export(LogQuery query, DynamicParameters parameters) =>
        $"SELECT {LogRecordReader.Columns} FROM logs {Where(query, parameters)} {Newest}";

    private static string Where(LogQuery query, DynamicParameters parameters)
    {
        parameters.Add("start", query.StartMs ?? LogSpanPlan.Beginning);
        parameters.Add("end", query.EndMs ?? LogSpanPlan.Forever);
        return "WHERE time_ms >= @start AND time_ms < @end" + LogFilterSql.Conditions(query, parameters);
    }
}
