using System.Collections.Concurrent;

namespace Metering.Storage.Postgres.Accounts;

/// <summary>
/// When this instance last read each account's balance from the database. Other instances debit the
/// same accounts, so a balance held in memory goes stale: it is read again once older than
/// <see cref="MaxAge"/>, and on every admission while it is at or below <see cref="ReadBelowNano"/>, so
/// an account near zero is refused as soon as any instance's debits have emptied it.
/// </summary>
public sealed class BalanceFreshness(TimeProvider clock, TimeSpan maxAge, long readBelowNano)
{
    private readonly ConcurrentDictionary<long, long> _readAtMs = new();

    /// <summary>How long a balance read from the database is trusted. Default 1 s.</summary>
    public TimeSpan MaxAge { get; } = maxAge;

    /// <summary>At or below this balance (nano-USD) every admission reads the database.</summary>
    public long ReadBelowNano { get; } = readBelowNano;

    /// <summary>Whether a balance held in memory may decide an admission without a read.</summary>
    public bool MayUse(long accountId, long balanceNano) =>
        balanceNano > ReadBelowNano
        && _readAtMs.TryGetValue(accountId, out var readAt)
        && NowMs - readAt < MaxAge.TotalMilliseconds;

    /// <summary>These balances were just read from (or written back by) the database.</summary>
    public void MarkRead(IEnumerable<long> accountIds)
    {
        var now = NowMs;
        foreach (var id in accountIds)
            _readAtMs[id] = now;
    }

    public void ForgetAll() => _readAtMs.Clear();

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
