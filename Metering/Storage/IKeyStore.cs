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
}

/// <summary>API keys, stored as hashes only. Creation and revocation each leave a system row.</summary>
public interface IKeyStore
{
    /// <summary>Throws <see cref="LedgerRejectedException"/> for an unknown account. Returns the key's id.</summary>
    Task<long> CreateAsync(long accountId, string name, string group, byte[] keyHash, string keyHint, LogRecord systemRow);

    /// <summary>Revokes a live key; throws <see cref="LedgerRejectedException"/> when there is none. Returns its account.</summary>
    Task<long> RevokeAsync(long id, LogRecord systemRow);

    Task<ApiKeyRecord?> FindByHashAsync(byte[] keyHash);

    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(long? accountId);
}
