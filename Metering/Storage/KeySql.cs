namespace Metering.Storage;

/// <summary>Key statements both stores run as they are (SQLite and PostgreSQL share the table's names).</summary>
internal static class KeySql
{
    /// <summary>An <see cref="ApiKeyRecord"/>'s columns.</summary>
    public const string Columns = """
        id, account_id AS AccountId, name, grp, key_hash AS KeyHash, key_hint AS KeyHint, created_ms AS CreatedMs, revoked_ms AS RevokedMs,
        expires_ms AS ExpiresMs, models AS Models, budget_nano AS BudgetNano, budget_period AS BudgetPeriod, rpm AS Rpm, tpm AS Tpm,
        ip_allowlist AS IpAllowlist
        """;

    /// <summary>A new key; answers its id.</summary>
    public const string Insert = """
        INSERT INTO api_keys (account_id, name, grp, key_hash, key_hint, created_ms, expires_ms, models, budget_nano, budget_period, rpm, tpm, ip_allowlist)
        VALUES (@accountId, @name, @group, @keyHash, @keyHint, @createdMs, @ExpiresMs, @Models, @BudgetNano, @BudgetPeriod, @Rpm, @Tpm, @IpAllowlist)
        RETURNING id
        """;

    /// <summary>A key's name, group and policy replaced; answers its account (no row: no such key).</summary>
    public const string Update = """
        UPDATE api_keys SET name = @name, grp = @group, expires_ms = @ExpiresMs, models = @Models, budget_nano = @BudgetNano,
            budget_period = @BudgetPeriod, rpm = @Rpm, tpm = @Tpm, ip_allowlist = @IpAllowlist
        WHERE id = @id RETURNING account_id
        """;

    /// <summary>A live key revoked; answers its account and name (no row: no live key).</summary>
    public const string Revoke = "UPDATE api_keys SET revoked_ms = @TimeMs WHERE id = @id AND revoked_ms IS NULL RETURNING account_id AS AccountId, name";

    public static object InsertParameters(long accountId, string name, string group, byte[] keyHash, string keyHint, KeyPolicyRecord policy, long createdMs) => new
    {
        accountId, name, group, keyHash, keyHint, createdMs,
        policy.ExpiresMs, policy.Models, policy.BudgetNano, policy.BudgetPeriod, policy.Rpm, policy.Tpm, policy.IpAllowlist,
    };

    public static object UpdateParameters(long id, string name, string group, KeyPolicyRecord policy) => new
    {
        id, name, group,
        policy.ExpiresMs, policy.Models, policy.BudgetNano, policy.BudgetPeriod, policy.Rpm, policy.Tpm, policy.IpAllowlist,
    };
}
