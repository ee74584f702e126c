using Dapper;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Postgres.Engine;

namespace Metering.Storage.Postgres.Accounts;

/// <summary>API keys in PostgreSQL, stored as hashes only. Creation and revocation each leave a system row.</summary>
public sealed class PostgresKeyStore(PostgresDatabase database, IWriteQueue writer) : IKeyStore
{
    private const string Columns = "id, account_id AS AccountId, name, grp, key_hash AS KeyHash, key_hint AS KeyHint, created_ms AS CreatedMs, revoked_ms AS RevokedMs";

    public Task<long> CreateAsync(long accountId, string name, string group, byte[] keyHash, string keyHint, LogRecord systemRow) =>
        writer.ExecuteAsync((connection, transaction, session) =>
        {
            if (!connection.ExecuteScalar<bool>("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = @accountId)", new { accountId }, transaction))
                throw new LedgerRejectedException($"account {accountId} not found");
            var id = connection.ExecuteScalar<long>(
                "INSERT INTO api_keys (account_id, name, grp, key_hash, key_hint, created_ms) VALUES (@accountId, @name, @group, @keyHash, @keyHint, @TimeMs) RETURNING id",
                new { accountId, name, group, keyHash, keyHint, systemRow.TimeMs }, transaction);
            session.AddRow(systemRow with { AccountId = accountId });
            return id;
        });

    /// <summary>Revokes a live key; throws <see cref="LedgerRejectedException"/> when there is none. Returns its account.</summary>
    public Task<long> RevokeAsync(long id, LogRecord systemRow) =>
        writer.ExecuteAsync((connection, transaction, session) =>
        {
            var key = connection.QuerySingleOrDefault<ApiKeyRecord>(
                "UPDATE api_keys SET revoked_ms = @TimeMs WHERE id = @id AND revoked_ms IS NULL RETURNING account_id AS AccountId, name",
                new { id, systemRow.TimeMs }, transaction)
                ?? throw new LedgerRejectedException($"key {id} not found");
            session.AddRow(systemRow with { AccountId = key.AccountId, TokenName = key.Name });
            return key.AccountId;
        });

    public async Task<ApiKeyRecord?> FindByHashAsync(byte[] keyHash)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ApiKeyRecord>($"SELECT {Columns} FROM api_keys WHERE key_hash = @keyHash", new { keyHash });
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(long? accountId)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<ApiKeyRecord>(
            $"SELECT {Columns} FROM api_keys WHERE (@accountId::bigint IS NULL OR account_id = @accountId) ORDER BY id", new { accountId });
        return rows.AsList();
    }
}
