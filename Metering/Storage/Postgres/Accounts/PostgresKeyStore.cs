using Dapper;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Postgres.Engine;

namespace Metering.Storage.Postgres.Accounts;

/// <summary>API keys in PostgreSQL, stored as hashes only. Creation, policy changes and revocation each leave a system row.</summary>
public sealed class PostgresKeyStore(PostgresDatabase database, IWriteQueue writer, AccountStates states, BalanceFreshness freshness, TimeProvider clock) : IKeyStore
{
    public Task<long> CreateAsync(long accountId, string name, string group, byte[] keyHash, string keyHint, KeyPolicyRecord policy, LogRecord systemRow) =>
        writer.ExecuteAsync((connection, transaction, session) =>
        {
            if (!connection.ExecuteScalar<bool>("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = @accountId)", new { accountId }, transaction))
                throw new LedgerRejectedException($"account {accountId} not found");
            var id = connection.ExecuteScalar<long>(KeySql.Insert, KeySql.InsertParameters(accountId, name, group, keyHash, keyHint, policy, systemRow.TimeMs), transaction);
            session.AddRow(systemRow with { AccountId = accountId });
            return id;
        });

    public Task UpdateAsync(long id, string name, string group, KeyPolicyRecord policy, LogRecord systemRow) =>
        writer.ExecuteAsync((connection, transaction, session) =>
        {
            var accountId = connection.ExecuteScalar<long?>(KeySql.Update, KeySql.UpdateParameters(id, name, group, policy), transaction)
                ?? throw new LedgerRejectedException($"key {id} not found");
            session.AddRow(systemRow with { AccountId = accountId, TokenName = name });
            return 0;
        });

    /// <summary>Revokes a live key; throws <see cref="LedgerRejectedException"/> when there is none. Returns its account.</summary>
    public Task<long> RevokeAsync(long id, LogRecord systemRow) =>
        writer.ExecuteAsync((connection, transaction, session) =>
        {
            var key = connection.QuerySingleOrDefault<ApiKeyRecord>(KeySql.Revoke, new { id, systemRow.TimeMs }, transaction)
                ?? throw new LedgerRejectedException($"key {id} not found");
            session.AddRow(systemRow with { AccountId = key.AccountId, TokenName = key.Name });
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
            $"SELECT {KeySql.Columns} FROM api_keys WHERE (@accountId::bigint IS NULL OR account_id = @accountId) ORDER BY id", new { accountId });
        return rows.AsList();
    }

    /// <summary>
    /// From memory while the copy is of today (UTC), fresh, and the key is clear of its budget by more than
    /// <see cref="BalanceFreshness.ReadBelowNano"/>; otherwise read through the writer (in commit order with
    /// this instance's own rows, so the copy stays exact for them). Other instances spend on the same key:
    /// like a balance, a stale copy can only overrun by what was in flight meanwhile.
    /// </summary>
    public async ValueTask<long> SpentAsync(long keyId, BudgetPeriod period, long budgetNano)
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var known = states.TryGetKeySpend(keyId, out var spend);
        if (known && spend.DayMs == BudgetPeriods.DayStart(nowMs) && nowMs - spend.LoadedMs < freshness.MaxAge.TotalMilliseconds
            && budgetNano - spend.In(period) > freshness.ReadBelowNano)
            return spend.In(period);
        try
        {
            await writer.ExecuteAsync((connection, transaction, _) =>
            {
                states.StageKeySpendSet(keyId, KeySpendSql.Load(connection, transaction, keyId, nowMs));
                return 0;
            });
        }
        catch (Exception) when (!writer.IsHealthy)
        {
            // The store is down: the caller refuses metered traffic (503) on the writer's health, not on this read.
            return known ? spend.In(period) : 0;
        }
        return states.TryGetKeySpend(keyId, out spend) ? spend.In(period) : 0;
    }

    public async Task<IReadOnlyDictionary<long, KeySpend>> ReadSpendAsync(long? accountId, long? keyId, long nowMs)
    {
        await using var connection = await database.OpenAsync();
        return await KeySpendSql.ReadAsync(connection, accountId, keyId, nowMs);
    }
}
