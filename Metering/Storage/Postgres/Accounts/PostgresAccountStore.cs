using Dapper;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Postgres.Engine;

namespace Metering.Storage.Postgres.Accounts;

/// <summary>
/// Accounts and their balances in PostgreSQL. Every change goes through this instance's writer with its
/// system row; balances in memory follow the values the database returned, in commit order, and are
/// read again when stale (<see cref="BalanceFreshness"/>): other instances debit the same accounts.
/// </summary>
public sealed class PostgresAccountStore(PostgresDatabase database, IWriteQueue writer, AccountStates accounts, BalanceFreshness freshness) : IAccountStore
{
    public async Task<Account> CreateAsync(string name, long balanceNano, bool recordIp, LogRecord systemRow)
    {
        var id = await writer.ExecuteAsync((connection, transaction, session) =>
        {
            var id = connection.ExecuteScalar<long>(
                AccountSql.Insert,
                new { name, balanceNano, recordIp, systemRow.TimeMs }, transaction);
            session.AddRow(systemRow with { AccountId = id });
            accounts.StageSet(id, new AccountState(balanceNano, recordIp));
            return id;
        });
        freshness.MarkRead([id]);
        return new Account { Id = id, Name = name, BalanceNano = balanceNano, RecordIp = recordIp };
    }

    public async Task<Account?> GetAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Account>(
            AccountSql.Get, new { id });
    }

    public async Task<(IReadOnlyList<Account> Items, long Total)> ListAsync(int limit, long offset)
    {
        await using var connection = await database.OpenAsync();
        return await AccountSql.ReadPageAsync(connection, limit, offset);
    }

    /// <summary>
    /// Balance and IP recording for the hot path: from memory while fresh and clear of zero, otherwise
    /// read through the writer (in commit order with this instance's own debits, so the copy in memory
    /// stays exact for them). A stale balance can only overdraw by what was in flight meanwhile.
    /// </summary>
    public async ValueTask<AccountState?> GetStateAsync(long id)
    {
        var known = accounts.TryGet(id, out var state);
        if (known && freshness.MayUse(id, state.BalanceNano))
            return state;
        long found;
        try
        {
            found = await writer.ExecuteAsync((connection, transaction, _) =>
            {
                var read = connection.QuerySingleOrDefault<Account>(AccountSql.Get, new { id }, transaction);
                if (read is not null)
                    accounts.StageSet(id, State(read));
                return read is null ? 0 : 1;
            });
        }
        catch (Exception) when (!writer.IsHealthy)
        {
            // The store is down: the caller refuses metered traffic (503) on the writer's health, not on this read.
            return known ? state : null;
        }
        if (found == 0)
            return null;
        freshness.MarkRead([id]);
        return accounts.TryGet(id, out state) ? state : null;
    }

    /// <summary>
    /// Adds (or, negative, removes) credit, unless the account is unknown or the balance would leave
    /// [0, <see cref="IAccountStore.MaxBalanceNano"/>] in the direction of the change. The row is locked
    /// (FOR UPDATE) before it is checked, so another instance's debit or top-up cannot slip in between.
    /// </summary>
    public async Task<TopUpOutcome> TopUpAsync(long id, long amountNano, LogRecord systemRow)
    {
        var outcome = (TopUpOutcome)await writer.ExecuteAsync((connection, transaction, session) =>
        {
            var balance = connection.ExecuteScalar<long?>("SELECT balance_nano FROM accounts WHERE id = @id FOR UPDATE", new { id }, transaction);
            if (balance is not { } before)
                return (long)TopUpOutcome.NotFound;
            var after = (Int128)before + amountNano;
            if ((amountNano < 0 && after < 0) || (amountNano > 0 && after > IAccountStore.MaxBalanceNano))
                return (long)TopUpOutcome.OutOfRange;
            var updated = connection.QuerySingle<Account>(
                "UPDATE accounts SET balance_nano = @after WHERE id = @id RETURNING balance_nano AS BalanceNano, record_ip AS RecordIp",
                new { id, after = (long)after }, transaction);
            accounts.StageSet(id, State(updated));
            session.AddRow(systemRow with { AccountId = id });
            return (long)TopUpOutcome.Done;
        });
        if (outcome == TopUpOutcome.Done)
            freshness.MarkRead([id]);
        return outcome;
    }

    /// <summary>Renames and/or switches IP recording; <paramref name="systemRow"/> is written when given.</summary>
    public Task UpdateAsync(long id, string? name, bool? recordIp, LogRecord? systemRow) =>
        writer.ExecuteAsync((connection, transaction, session) =>
        {
            var updated = connection.QuerySingleOrDefault<Account>(
                "UPDATE accounts SET name = COALESCE(@name, name), record_ip = COALESCE(@recordIp, record_ip) WHERE id = @id RETURNING balance_nano AS BalanceNano, record_ip AS RecordIp",
                new { id, name, recordIp }, transaction)
                ?? throw new LedgerRejectedException($"account {id} not found");
            accounts.StageSet(id, State(updated));
            if (systemRow is not null)
                session.AddRow(systemRow with { AccountId = id });
            return 0;
        });

    private static AccountState State(Account account) => new(account.BalanceNano, account.RecordIp);
}
