namespace Metering.Storage;

/// <summary>Account statements both stores run as they are (SQLite and PostgreSQL share the table's names).</summary>
internal static class AccountSql
{
    /// <summary>One account as an <see cref="Account"/>; parameter <c>@id</c>.</summary>
    public const string Get = "SELECT id, name, balance_nano AS BalanceNano, record_ip AS RecordIp FROM accounts WHERE id = @id";

    /// <summary>A new account; answers its id. Parameters <c>@name, @balanceNano, @recordIp, @TimeMs</c>.</summary>
    public const string Insert = "INSERT INTO accounts (name, balance_nano, record_ip, created_ms) VALUES (@name, @balanceNano, @recordIp, @TimeMs) RETURNING id";
}
