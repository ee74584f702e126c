using Metering.Ledger;
using Npgsql;

namespace Metering.Storage.Postgres.Engine;

/// <summary>
/// The batch's debits, summed per account and written as one UPDATE per account in ascending account
/// id, all sent in one round trip. Every instance locks accounts in that order, so two batches touching
/// the same accounts queue behind each other instead of deadlocking. Each UPDATE returns the committed
/// balance plus this debit, which the in-memory balances take once the batch commits (StageSet): this
/// instance's view then includes whatever other instances had committed before it.
/// </summary>
internal sealed class PendingDebits(AccountStates accounts)
{
    private const string DebitSql = "UPDATE accounts SET balance_nano = balance_nano - $1 WHERE id = $2 RETURNING balance_nano, record_ip";

    private readonly SortedDictionary<long, long> _byAccount = [];

    /// <summary>Accounts whose balance this batch read back (fresh as of its commit).</summary>
    public List<long> Touched { get; } = [];

    public void Add(long accountId, long spendNano) =>
        _byAccount[accountId] = _byAccount.GetValueOrDefault(accountId) + spendNano;

    /// <summary>Writes the sums in the open transaction and forgets them.</summary>
    public void Flush(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        if (_byAccount.Count == 0)
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
        _byAccount.Clear();
    }

    /// <summary>Drops sums whose rows were rolled back (and the accounts they would have refreshed).</summary>
    public void Discard()
    {
        _byAccount.Clear();
        Touched.Clear();
    }
}
