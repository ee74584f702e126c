using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Sqlite.Engine;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Logs;

/// <summary>
/// Writer thread: a row into the inbox, the inbox told a row is waiting (for the mover and the next
/// read), and its spend debited from its account (the store's debit) and added to its key's day, the
/// in-memory balance and key spend staged to follow the commit.
/// </summary>
public sealed class LogRowInserter(LogInboxSignal inbox, AccountStates accounts)
{
    // A row was inserted in the open batch. The inbox is told only once the batch has committed: the
    // mover copies on a connection of its own, whose snapshot must hold every row the signal stands for.
    private bool _landed;

    /// <summary>Writer thread, after the batch committed (before its callers hear so): tells the inbox rows wait.</summary>
    internal void Committed()
    {
        if (_landed)
            inbox.NoteLanded();
        _landed = false;
    }

    /// <summary>Writer thread, after the batch rolled back: its rows never landed.</summary>
    internal void RolledBack() => _landed = false;

    /// <summary>An appended row: its debit joins the batch's one UPDATE per account.</summary>
    internal long Insert(SqliteConnection connection, LogRecord row, DeferredDebits debits)
    {
        var id = LogInsertCommand.For(connection).Insert(row);
        _landed = true;
        if (row.SpendNano != 0 && row.AccountId is { } accountId)
        {
            debits.Add(accountId, row.SpendNano);
            accounts.StageDelta(accountId, -row.SpendNano);
        }
        if (row.SpendNano != 0 && row.KeyId is { } keyId)
        {
            var dayMs = BudgetPeriods.DayStart(row.TimeMs);
            debits.AddKeySpend(keyId, dayMs, row.SpendNano);
            accounts.StageKeySpend(keyId, dayMs, row.SpendNano);
        }
        return id;
    }

    /// <summary>A row inside other work (a system row beside an admin change): its debit is written now.</summary>
    internal long Insert(SqliteConnection connection, LogRecord row)
    {
        var command = LogInsertCommand.For(connection);
        var id = command.Insert(row);
        _landed = true;
        if (row.SpendNano != 0 && row.AccountId is { } accountId)
        {
            command.Debit(accountId, row.SpendNano);
            accounts.StageDelta(accountId, -row.SpendNano);
        }
        if (row.SpendNano != 0 && row.KeyId is { } keyId)
        {
            var dayMs = BudgetPeriods.DayStart(row.TimeMs);
            command.AddKeySpend(keyId, dayMs, row.SpendNano);
            accounts.StageKeySpend(keyId, dayMs, row.SpendNano);
        }
        return id;
    }
}
