using Dapper;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;

namespace Metering.Storage.Sqlite.Accounts;

/// <summary>API keys, stored as hashes only. Creation, policy changes and revocation each leave a system row.</summary>
public sealed class SqliteKeyStore(SqliteDatabase database, IWriteQueue writer, LogRowInserter logs, AccountStates states, TimeProvider clock) : IKeyStore
{
    public Task<long> CreateAsync(long accountId, string name, string group, byte[] keyHash, string keyHint, KeyPolicyRecord policy, LogRecord systemRow) =>
        writer.ExecuteAsync((connection, transaction) =>
        {
            if (connection.ExecuteScalar<long>("SELECT COUNT(*) FROM accounts WHERE id = @accountId", new { accountId }, transaction) == 0)
                throw new LedgerRejectedException($"account {accountId} not found");
            var id = connection.ExecuteScalar<long>(KeySql.Insert, KeySql.InsertParameters(accountId, name, group, keyHash, keyHint, policy, systemRow.TimeMs), transaction);
            logs.Insert(connection, systemRow with { AccountId = accountId });
            return id;
        });

    public Task UpdateAsync(long id, string name, string group, KeyPolicyRecord policy, LogRecord systemRow) =>
        writer.ExecuteAsync((connection, transaction) =>
        {
            var accountId = connection.ExecuteScalar<long?>(KeySql.Update, KeySql.UpdateParameters(id, name, group, policy), transaction)
                ?? throw new LedgerRejectedException($"key {id} not found");
            return logs.Insert(connection, systemRow with { AccountId = accountId, TokenName = name });
        });

    /// <summary>Revokes a live key; throws <see cref="LedgerRejectedException"/> when there is none. Returns its account.</summary>
    public Task<long> RevokeAsync(long id, LogRecord systemRow) =>
        writer.ExecuteAsync((connection, transaction) =>
        {
            var key = connection.QuerySingleOrDefault<ApiKeyRecord>(KeySql.Revoke, new { id, systemRow.TimeMs }, transaction)
                ?? throw new LedgerRejectedException($"key {id} not found");
            logs.Insert(connection, systemRow with { AccountId = key.AccountId, TokenName = key.Name });
            return key.AccountId;
        });

    public async Task<ApiKeyRecord?> FindByHashAsync(byte[] keyHash)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ApiKeyRecord>($"SELECT {KeySql.Columns} FROM api_keys WHERE key_hash = @keyHash", new { keyHash });
    }

    public async Task<ApiKeyRecord?> GetAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ApiKeyRecord>($"SELECT {KeySql.Columns} FROM api_keys WHERE id = @id", new { id });
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(long? accountId)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<ApiKeyRecord>(
            $"SELECT {KeySql.Columns} FROM api_keys WHERE (@accountId IS NULL OR account_id = @accountId) ORDER BY id", new { accountId });
        return rows.AsList();
    }

    /// <summary>
    /// From memory while the copy is of today (UTC); otherwise loaded through the writer, in commit order
    /// with every row's spend, so the copy is exact from then on (this process is the store's only writer).
    /// </summary>
    public async ValueTask<long> SpentAsync(long keyId, BudgetPeriod period, long budgetNano)
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (states.TryGetKeySpend(keyId, out var spend) && spend.DayMs == BudgetPeriods.DayStart(nowMs))
            return spend.In(period);
        await writer.ExecuteAsync((connection, transaction) =>
        {
            states.StageKeySpendSet(keyId, KeySpendSql.Load(connection, transaction, keyId, nowMs));
            return 0;
        });
        return states.TryGetKeySpend(keyId, out spend) ? spend.In(period) : 0;
    }

    public async Task<IReadOnlyDictionary<long, KeySpend>> ReadSpendAsync(long? accountId, long? keyId, long nowMs)
    {
        await using var connection = await database.OpenAsync();
        return await KeySpendSql.ReadAsync(connection, accountId, keyId, nowMs);
    }
}
