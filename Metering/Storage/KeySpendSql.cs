using System.Data;
using Dapper;
using Metering.Ledger;

namespace Metering.Storage;

/// <summary>
/// Keys' spend, kept per key and UTC day in <c>key_spend</c> and written in the same transaction as the
/// rows and the balance debits; a period's spend is a sum of its days. Statements both stores run as they are.
/// </summary>
internal static class KeySpendSql
{
    /// <summary>Day, month and total per key (<c>KeyId, Day, Month, Total</c>); parameters <c>@dayMs, @monthMs, @nextMonthMs</c>, then a WHERE on <c>key_id</c>.</summary>
    public const string SumsByKey = """
        SELECT key_id AS KeyId,
            CAST(COALESCE(SUM(CASE WHEN day_ms = @dayMs THEN spend_nano ELSE 0 END), 0) AS BIGINT) AS Day,
            CAST(COALESCE(SUM(CASE WHEN day_ms >= @monthMs AND day_ms < @nextMonthMs THEN spend_nano ELSE 0 END), 0) AS BIGINT) AS Month,
            CAST(COALESCE(SUM(spend_nano), 0) AS BIGINT) AS Total
        FROM key_spend
        """;

    public const string GroupByKey = " GROUP BY key_id";

    /// <summary>Adds a row's spend to its key's day (SQLite <c>?1..?3</c> and PostgreSQL <c>$1..$3</c> alike: key, day, spend).</summary>
    public static string Add(char placeholder) => $"""
        INSERT INTO key_spend (key_id, day_ms, spend_nano) VALUES ({placeholder}1, {placeholder}2, {placeholder}3)
        ON CONFLICT (key_id, day_ms) DO UPDATE SET spend_nano = key_spend.spend_nano + excluded.spend_nano
        """;

    /// <summary>The parameters of <see cref="SumsByKey"/> for the day holding <paramref name="nowMs"/>.</summary>
    public static (long DayMs, long MonthMs, long NextMonthMs) Days(long nowMs) =>
        (BudgetPeriods.DayStart(nowMs), BudgetPeriods.MonthStart(nowMs), BudgetPeriods.NextMonthStart(nowMs));

    /// <summary>A row of <see cref="SumsByKey"/>.</summary>
    // Properties, not a positional record: Dapper maps by name even when SQLite cannot type an empty result's columns.
    internal sealed record Sums
    {
        public long KeyId { get; init; }
        public long Day { get; init; }
        public long Month { get; init; }
        public long Total { get; init; }

        public KeySpend At(long dayMs, long nowMs) => new(dayMs, Day, Month, Total, nowMs);
    }

    /// <summary>The spend of keys with rows; a key without is absent (it has spent nothing).</summary>
    private static IReadOnlyDictionary<long, KeySpend> ToSpends(IEnumerable<Sums> rows, long nowMs)
    {
        var dayMs = BudgetPeriods.DayStart(nowMs);
        return rows.ToDictionary(r => r.KeyId, r => r.At(dayMs, nowMs));
    }

    /// <summary>One key's spend as of <paramref name="nowMs"/>, read in the writer's transaction (for a load in commit order).</summary>
    public static KeySpend Load(IDbConnection connection, IDbTransaction transaction, long keyId, long nowMs)
    {
        var (dayMs, monthMs, nextMonthMs) = Days(nowMs);
        var sums = connection.QuerySingleOrDefault<Sums>(SumsByKey + " WHERE key_id = @keyId" + GroupByKey, new { keyId, dayMs, monthMs, nextMonthMs }, transaction);
        return sums?.At(dayMs, nowMs) ?? new KeySpend(dayMs, 0, 0, 0, nowMs);
    }

    /// <summary>Committed spend of one key, an account's keys, or all keys, as of <paramref name="nowMs"/>.</summary>
    public static async Task<IReadOnlyDictionary<long, KeySpend>> ReadAsync(IDbConnection connection, long? accountId, long? keyId, long nowMs)
    {
        var (dayMs, monthMs, nextMonthMs) = Days(nowMs);
        var where = (keyId, accountId) switch
        {
            (not null, _) => " WHERE key_id = @keyId",
            (null, not null) => " WHERE key_id IN (SELECT id FROM api_keys WHERE account_id = @accountId)",
            _ => "",
        };
        var rows = await connection.QueryAsync<Sums>(SumsByKey + where + GroupByKey, new { keyId, accountId, dayMs, monthMs, nextMonthMs });
        return ToSpends(rows, nowMs);
    }
}
