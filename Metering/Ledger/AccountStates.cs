using System.Collections.Concurrent;

namespace Metering.Ledger;

/// <summary>What the hot path needs of an account: may it spend, and is its IP recorded.</summary>
public readonly record struct AccountState(long BalanceNano, bool RecordIp);

/// <summary>
/// Account balances, and keys' spend (for their budgets, <see cref="KeySpend"/>), kept in memory and exact: every change is staged by writer work inside its
/// transaction and applied, in commit order, only after the commit succeeds (dropped if it fails).
/// A miss is loaded through the writer too, so a load and a concurrent debit can never double-count.
/// Reads are lock-free from any thread; staging happens on the writer's thread alone, inside the
/// store's write session, which applies or discards what it staged with its commit.
/// </summary>
public sealed class AccountStates
{
    private enum ChangeKind { Delta, Set, RecordIp, Forget, KeySpendDelta, KeySpendSet }

    // AccountId is the key's id for the key spend kinds; DayMs is the UTC day a key spend delta belongs to.
    private readonly record struct Change(long AccountId, ChangeKind Kind, long Delta, AccountState State, bool RecordIp, long DayMs = 0, KeySpend Spend = default);

    private readonly ConcurrentDictionary<long, AccountState> _known = new();
    private readonly ConcurrentDictionary<long, KeySpend> _keySpends = new();
    private readonly List<Change> _staged = [];
    private int _unitStart;

    public bool TryGet(long accountId, out AccountState state) => _known.TryGetValue(accountId, out state);

    /// <summary>Writer thread: the balance moves by <paramref name="deltaNano"/> once this commits.</summary>
    public void StageDelta(long accountId, long deltaNano) => _staged.Add(new(accountId, ChangeKind.Delta, deltaNano, default, false));

    /// <summary>Writer thread: the account is exactly this once this commits (read inside the same transaction).</summary>
    public void StageSet(long accountId, AccountState state) => _staged.Add(new(accountId, ChangeKind.Set, 0, state, false));

    /// <summary>Writer thread: IP recording switches once this commits.</summary>
    public void StageRecordIp(long accountId, bool recordIp) => _staged.Add(new(accountId, ChangeKind.RecordIp, 0, default, recordIp));

    /// <summary>
    /// Writer thread: the account is dropped from memory once this commits, so its next read loads it
    /// again (changed by another instance). Staged, not removed at once: applied in commit order, it
    /// cannot be undone by an <see cref="Apply"/> that read the old state just before.
    /// </summary>
    public void StageForget(long accountId) => _staged.Add(new(accountId, ChangeKind.Forget, 0, default, false));

    public bool TryGetKeySpend(long keyId, out KeySpend spend) => _keySpends.TryGetValue(keyId, out spend);

    /// <summary>Writer thread: a row of the UTC day <paramref name="dayMs"/> adds to the key's spend once this commits.</summary>
    public void StageKeySpend(long keyId, long dayMs, long spendNano) =>
        _staged.Add(new(keyId, ChangeKind.KeySpendDelta, spendNano, default, false, dayMs));

    /// <summary>Writer thread: the key's spend is exactly this once this commits (read inside the same transaction).</summary>
    public void StageKeySpendSet(long keyId, KeySpend spend) => _staged.Add(new(keyId, ChangeKind.KeySpendSet, 0, default, false, Spend: spend));

    /// <summary>Writer thread: every key's spend is read again (a batch's outcome is unknown, and memory may be off by it).</summary>
    public void ForgetKeySpends() => _keySpends.Clear();

    public void BeginUnit() => _unitStart = _staged.Count;

    public void RollbackUnit() => _staged.RemoveRange(_unitStart, _staged.Count - _unitStart);

    public void Discard() => _staged.Clear();

    public void Apply()
    {
        foreach (var change in _staged)
        {
            if (change.Kind is ChangeKind.KeySpendDelta or ChangeKind.KeySpendSet)
            {
                ApplyKeySpend(change);
                continue;
            }
            if (change.Kind == ChangeKind.Set)
            {
                _known[change.AccountId] = change.State;
                continue;
            }
            if (change.Kind == ChangeKind.Forget)
            {
                _known.TryRemove(change.AccountId, out _);
                continue;
            }
            // Not loaded yet: its first load will read the committed value, this change included.
            if (!_known.TryGetValue(change.AccountId, out var current))
                continue;
            _known[change.AccountId] = change.Kind == ChangeKind.Delta
                ? current with { BalanceNano = current.BalanceNano + change.Delta }
                : current with { RecordIp = change.RecordIp };
        }
        _staged.Clear();
    }

    private void ApplyKeySpend(Change change)
    {
        if (change.Kind == ChangeKind.KeySpendSet)
            _keySpends[change.AccountId] = change.Spend;
        // Not loaded yet: its first load reads the committed sums, this row included.
        else if (_keySpends.TryGetValue(change.AccountId, out var current))
            _keySpends[change.AccountId] = current.Plus(change.DayMs, change.Delta);
    }
}
