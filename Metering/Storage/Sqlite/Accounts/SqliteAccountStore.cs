using Dapper;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;

namespace Metering.Storage.Sqlite.Accounts;

/// <summary>Accounts and their balances. Every change goes through the writer with its system row.</summary>
public sealed class SqliteAccountStore(SqliteDatabase database, IWriteQueue writer, LogRowInserter logs, AccountStates accounts) : IAccountStore
{
    public async Task<Account> CreateAsync(string name, long balanceNano, bool recordIp, LogRecord systemRow)
    {
        var id = await writer.ExecuteAsync((connection, transaction) =>
        {
            var id = connection.ExecuteScalar<long>(
                AccountSql.Insert,
                new { name, balanceNano, recordIp, systemRow.TimeMs }, transaction);
            logs.Insert(connection, systemRow with { AccountId = id });
            accounts.StageSet(id, new AccountState(balanceNano, recordIp));
            return id;
        });
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
    /// Balance and IP recording for the hot path, from memory. The first read of an account loads it
    /// through the writer, in commit order, so the copy in memory is exact from then on.
    /// </summary>
    public async ValueTask<AccountState?> GetStateAsync(long id)
    {
        if (accounts.TryGet(id, out var state))
            return state;
        await writer.ExecuteAsync((connection, transaction) =>
        {
            var account = connection.QuerySingleOrDefault<Account>(
                AccountSql.Get, new { id }, transaction);
            if (account is not null)
                accounts.StageSet(id, new AccountState(account.BalanceNano, account.RecordIp));
            return 0;
        });
        return accounts.TryGet(id, out state) ? state : null;
    }

    /// <summary>
    /// Adds (or, negative, removes) credit, unless the account is unknown or the balance would leave
    /// [0, <see cref="IAccountStore.MaxBalanceNano"/>] in the direction of the change; then nothing is written. The
    /// balance is read and written in one writer unit, after the deferred debits of earlier rows (the
    /// writer writes those before any other unit), so concurrent top-ups are checked one after another
    /// against the balance as it is. A credit to an overdrawn account is allowed even if it stays below
    /// zero: it moves the balance towards the range, and refusing it would leave no way to repay in parts.
    /// </summary>
    public async Task<TopUpOutcome> TopUpAsync(long id, long amountNano, LogRecord systemRow) =>
        (TopUpOutcome)await writer.ExecuteAsync((connection, transaction) =>
        {
            var balance = connection.ExecuteScalar<long?>("SELECT balance_nano FROM accounts WHERE id = @id", new { id }, transaction);
            if (balance is not { } before)
                return (long)TopUpOutcome.NotFound;
            var after = (Int128)before + amountNano;
            if ((amountNano < 0 && after < 0) || (amountNano > 0 && after > IAccountStore.MaxBalanceNano))
                return (long)TopUpOutcome.OutOfRange;
            connection.Execute("UPDATE accounts SET balance_nano = @after WHERE id = @id", new { id, after = (long)after }, transaction);
            accounts.StageDelta(id, amountNano);
            logs.Insert(connection, systemRow with { AccountId = id });
            return (long)TopUpOutcome.Done;
        });

    /// <summary>Renames and/or switches IP recording; <paramref name="systemRow"/> is written when given.</summary>
    public Task UpdateAsync(long id, string? name, bool? recordIp, LogRecord? systemRow) =>
        writer.ExecuteAsync((connection, transaction) =>
        {
            var changed = connection.Execute(
                "UPDATE accounts SET name = COALESCE(@name, name), record_ip = COALESCE(@recordIp, record_ip) WHERE id = @id",
                new { id, name, recordIp }, transaction);
            if (changed == 0)
                throw new LedgerRejectedException($"account {id} not found");
            if (recordIp is { } on)
                accounts.StageRecordIp(id, on);
            return systemRow is null ? 0 : logs.Insert(connection, systemRow with { AccountId = id });
        });
}
