namespace Metering.Storage;

/// <summary>
/// The log's columns as every store names them (SQLite and PostgreSQL share the schema's names): the
/// select list a <see cref="Logs.LogRecord"/> is read from, and the column each <see cref="LogQuery"/>
/// filter tests, with its parameter name. Columns come from this fixed list only; values are parameters.
/// </summary>
internal static class LogColumns
{
    public const string Record = """
        id, request_id AS RequestId, time_ms AS TimeMs, type, account_id AS AccountId, key_id AS KeyId,
        token_name AS TokenName, grp, model, path, status, stream, duration_ms AS DurationMs,
        first_token_ms AS FirstTokenMs, input_tokens AS InputTokens, output_tokens AS OutputTokens,
        cached_tokens AS CachedTokens, cache_write_tokens AS CacheWriteTokens, spend_nano AS SpendNano, ip, message, details
        """;

    /// <summary>
    /// The keyset condition of <see cref="LogQuery.BeforeId"/> (empty when unset): rows that come after that
    /// row newest first. The cursor row is looked up under the caller's scope, so another account's row id
    /// tells nothing about its time.
    /// </summary>
    public static string Before(LogQuery query, Dapper.DynamicParameters parameters)
    {
        if (query.BeforeId is not { } beforeId)
            return "";
        parameters.Add("before_id", beforeId);
        parameters.Add("before_scope", query.ScopeAccountId);
        return " AND (time_ms, id) < (SELECT c.time_ms, c.id FROM logs AS c WHERE c.id = @before_id"
            + (query.ScopeAccountId is null ? ")" : " AND c.account_id = @before_scope)");
    }

    public sealed record Filter(string Column, string Parameter, Func<LogQuery, object?> Value);

    public static readonly Filter[] Filters =
    [
        new("type", "f_type", q => q.Type),
        new("grp", "f_grp", q => q.Group),
        new("token_name", "f_token", q => q.TokenName),
        new("model", "f_model", q => q.Model),
        new("account_id", "f_account", q => q.AccountId),
        new("account_id", "f_scope", q => q.ScopeAccountId),
    ];
}
