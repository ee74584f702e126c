using Metering.Ledger;
using Metering.Logs;

namespace Metering.Storage;

public sealed record Account
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public long BalanceNano { get; init; }
    public bool RecordIp { get; init; }
}

/// <summary>What became of a top-up: <see cref="IAccountStore.TopUpAsync"/> writes only on <see cref="Done"/>.</summary>
public enum TopUpOutcome { Done, NotFound, OutOfRange }

/// <summary>Accounts and their balances. Every change is written with its system row, in one commit.</summary>
public interface IAccountStore
{
    /// <summary>The largest balance an account may hold: 1,000,000,000 USD (SPEC §9), 1e18 nano-USD, well inside a long.</summary>
    public const long MaxBalanceNano = 1_000_000_000L * 1_000_000_000L;

    Task<Account> CreateAsync(string name, long balanceNano, bool recordIp, LogRecord systemRow);

    Task<Account?> GetAsync(long id);

    /// <summary>A page of accounts in id order, and how many there are.</summary>
    Task<(IReadOnlyList<Account> Items, long Total)> ListAsync(int limit, long offset);

    /// <summary>Balance and IP recording for the hot path, from memory once loaded (exact: loaded in commit order).</summary>
    ValueTask<AccountState?> GetStateAsync(long id);

    /// <summary>
    /// Adds (or, negative, removes) credit, unless the account is unknown or the balance would leave
    /// [0, <see cref="MaxBalanceNano"/>] in the direction of the change; then nothing is written.
    /// </summary>
    Task<TopUpOutcome> TopUpAsync(long id, long amountNano, LogRecord systemRow);

    /// <summary>Renames and/or switches IP recording; <paramref name="systemRow"/> is written when given. Throws <see cref="LedgerRejectedException"/> for an unknown account.</summary>
    Task UpdateAsync(long id, string? name, bool? recordIp, LogRecord? systemRow);
}
