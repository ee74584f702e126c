using Dapper;

namespace Metering.Storage;

/// <summary>Account statements both stores run as they are (SQLite and PostgreSQL share the table's names).</summary>
internal static class AccountSql
{
    /// <summary>One account as an <see cref="Account"/>; parameter <c>@id</c>.</summary>
    public const string Get = "SELECT id, name, balance_nano AS BalanceNano, record_ip AS RecordIp FROM accounts WHERE id = @id";

    /// <summary>A new account; answers its id. Parameters <c>@name, @balanceNano, @recordIp, @TimeMs</c>.</summary>
    public const string Insert = "INSERT INTO accounts (name, balance_nano, record_ip, created_ms) VALUES (@name, @balanceNano, @recordIp, @TimeMs) RETURNING id";

    /// <summary>A page of accounts in id order, then their count; parameters <c>@limit, @offset</c>.</summary>
    public const string Page = "SELECT id, name, balance_nano AS BalanceNano, record_ip AS RecordIp FROM accounts ORDER BY id LIMIT @limit OFFSET @offset; SELECT COUNT(*) FROM accounts";

    public static async Task<(IReadOnlyList<Account> Items, long Total)> ReadPageAsync(System.Data.IDbConnection connection, int limit, long offset)
    {
        using var results = await connection.QueryMultipleAsync(Page, new { limit, offset });
        var items = (await results.ReadAsync<Account>()).AsList();
        return (items, await results.ReadSingleAsync<long>());
    }
}
