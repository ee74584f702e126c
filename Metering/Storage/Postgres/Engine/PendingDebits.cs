using Metering.Ledger;
using Metering.Logs;
using Npgsql;

namespace Metering.Storage.Postgres.Engine;

/// <summary>
/// The batch's debits, summed per account and written as one UPDATE per account in ascending account
/// id, all sent in one round trip. Every instance locks accounts in that order, so two batches touching
/// the same accounts queue behind each other instead of deadlocking. Each UPDATE returns the committed
/// balance plus this debit, which the in-memory balances take once the batch commits (StageSet): this
/// instance's view then includes whatever other instances had committed before it. Keys' spend per UTC
/// day follows the same way, after the accounts and in ascending (key, day): the same lock order on every
/// instance. A key's spend in memory moves by this batch's delta (another instance's spend on it is read
/// again when its copy is stale, see <see cref="Accounts.PostgresKeyStore"/>).
/// </summary>
internal sealed class PendingDebits(AccountStates accounts)
{
    private const string DebitSql = "UPDATE accounts SET balance_nano = balance_nano - $1 WHERE id = $2 RETURNING balance_nano, record_ip";

    // RETURNING, though the value is not needed: like the debits, each statement answers one result the reader steps past in order.
    private static readonly string KeySpendSql = Storage.KeySpendSql.Add('$') + " RETURNING spend_nano";

    private readonly SortedDictionary<long, long> _byAccount = [];
    private readonly SortedDictionary<(long KeyId, long DayMs), long> _byKeyDay = [];

    /// <summary>Accounts whose balance this batch read back (fresh as of its commit).</summary>
    public List<long> Touched { get; } = [];

    /// <summary>A row's spend: debited from its account and added to its key's UTC day.</summary>
    public void Add(LogRecord row)
    {
        if (row.SpendNano == 0)
            return;
        if (row.AccountId is { } accountId)
            _byAccount[accountId] = _byAccount.GetValueOrDefault(accountId) + row.SpendNano;
        if (row.KeyId is { } keyId)
        {
            var day = (keyId, BudgetPeriods.DayStart(row.TimeMs));
            _byKeyDay[day] = _byKeyDay.GetValueOrDefault(day) + row.SpendNano;
        }
    }

    /// <summary>Writes the sums in the open transaction and forgets them.</summary>
    public void Flush(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        if (_byAccount.Count == 0 && _byKeyDay.Count == 0)
            return;
        using var batch = new NpgsqlBatch(connection, transaction);
        AddTo(batch);
        using var reader = batch.ExecuteReader();
        ReadFrom(reader);
    }

    /// <summary>Adds one UPDATE per account, ascending, to a batch of statements sent in one round trip.</summary>
    public void AddTo(NpgsqlBatch batch)
    {
        foreach (var (accountId, spendNano) in _byAccount)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(DebitSql) { Parameters = { new() { Value = spendNano }, new() { Value = accountId } } });
        foreach (var ((keyId, dayMs), spendNano) in _byKeyDay)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(KeySpendSql) { Parameters = { new() { Value = keyId }, new() { Value = dayMs }, new() { Value = spendNano } } });
    }

    /// <summary>Stages the balances the UPDATEs returned and forgets the sums; leaves the reader at the next statement's result.</summary>
    public void ReadFrom(NpgsqlDataReader reader)
    {
        foreach (var accountId in _byAccount.Keys)
        {
            // An account deleted under a row has nothing to debit: the row still stands.
            if (reader.Read())
            {
                accounts.StageSet(accountId, new AccountState(reader.GetInt64(0), reader.GetBoolean(1)));
                Touched.Add(accountId);
            }
            reader.NextResult();
        }
        foreach (var ((keyId, dayMs), spendNano) in _byKeyDay)
        {
            accounts.StageKeySpend(keyId, dayMs, spendNano);
            reader.NextResult();
        }
        _byAccount.Clear();
        _byKeyDay.Clear();
    }

    /// <summary>Drops sums whose rows were rolled back (and the accounts they would have refreshed).</summary>
    public void Discard()
    {
        _byAccount.Clear();
        _byKeyDay.Clear();
        Touched.Clear();
    }
}
