using Metering.Ledger;
using Metering.Logs;

namespace Metering.Storage;

public sealed record ApiKeyRecord
{
    public long Id { get; init; }
    public long AccountId { get; init; }
    public string Name { get; init; } = "";
    public string Grp { get; init; } = "";
    public byte[] KeyHash { get; init; } = [];
    public string KeyHint { get; init; } = "";
    public long CreatedMs { get; init; }
    public long? RevokedMs { get; init; }

    // The key's policy (SPEC §13), as stored; see KeyPolicyRecord.
    public long? ExpiresMs { get; init; }
    public string? Models { get; init; }
    public long? BudgetNano { get; init; }
    public string? BudgetPeriod { get; init; }
    public int? Rpm { get; init; }
    public long? Tpm { get; init; }
    public string? IpAllowlist { get; init; }

    public KeyPolicyRecord Policy => new(ExpiresMs, Models, BudgetNano, BudgetPeriod, Rpm, Tpm, IpAllowlist);
}

/// <summary>
/// A key's policy as the store keeps it: nulls mean "none" (never expires, every model, no budget, the
/// group's limits, any IP). <paramref name="Models"/> and <paramref name="IpAllowlist"/> are JSON arrays of
/// strings; <paramref name="BudgetPeriod"/> a name of <see cref="BudgetPeriods.Names"/>.
/// </summary>
public sealed record KeyPolicyRecord(long? ExpiresMs, string? Models, long? BudgetNano, string? BudgetPeriod, int? Rpm, long? Tpm, string? IpAllowlist)
{
    public static readonly KeyPolicyRecord None = new(null, null, null, null, null, null, null);
}

/// <summary>API keys, stored as hashes only. Creation, policy changes and revocation each leave a system row.</summary>
public interface IKeyStore
{
    /// <summary>Throws <see cref="LedgerRejectedException"/> for an unknown account. Returns the key's id.</summary>
    Task<long> CreateAsync(long accountId, string name, string group, byte[] keyHash, string keyHint, KeyPolicyRecord policy, LogRecord systemRow);

    /// <summary>Replaces the key's name, group and policy; throws <see cref="LedgerRejectedException"/> for an unknown key.</summary>
    Task UpdateAsync(long id, string name, string group, KeyPolicyRecord policy, LogRecord systemRow);

    /// <summary>Revokes a live key; throws <see cref="LedgerRejectedException"/> when there is none. Returns its account.</summary>
    Task<long> RevokeAsync(long id, LogRecord systemRow);

    Task<ApiKeyRecord?> FindByHashAsync(byte[] keyHash);

    Task<ApiKeyRecord?> GetAsync(long id);

    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(long? accountId);

    /// <summary>
    /// The hot path's view of a key's spend in the period that holds now: from memory once loaded (exact:
    /// loaded through the writer, in commit order, then moved by every commit). <paramref name="budgetNano"/>
    /// lets a store shared by instances read the database again when the key is near its budget.
    /// </summary>
    ValueTask<long> SpentAsync(long keyId, BudgetPeriod period, long budgetNano);

    /// <summary>Committed spend of the keys (one, or an account's, or all), as of <paramref name="nowMs"/>, read from the store.</summary>
    Task<IReadOnlyDictionary<long, KeySpend>> ReadSpendAsync(long? accountId, long? keyId, long nowMs);
}
