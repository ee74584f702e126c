using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Metering.Storage;

namespace Gateway.Auth;

/// <summary>
/// Stage 1 of the pipeline: a presented key to its caller. Known keys are cached by hash so the hot
/// path does no I/O; revocation evicts at once. The cache is keyed by the hash's first 128 bits (no hex
/// string per request); the whole hash is still compared, in fixed time, before a key is accepted.
/// </summary>
internal sealed class ApiKeyAuthenticator(IKeyStore keys)
{
    private readonly ConcurrentDictionary<UInt128, ApiKeyRecord> _byHash = new();

    // Revoked ids are remembered, not only evicted: a lookup that raced the revocation may re-cache the old record.
    private readonly ConcurrentDictionary<long, bool> _revoked = new();

    public async ValueTask<Caller?> AuthenticateAsync(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || !secret.StartsWith(ApiKeySecret.Prefix, StringComparison.Ordinal))
            return null;
        var hash = ApiKeySecret.Hash(secret);
        var cacheKey = BinaryPrimitives.ReadUInt128LittleEndian(hash);
        if (!_byHash.TryGetValue(cacheKey, out var key) || !CryptographicOperations.FixedTimeEquals(key.KeyHash, hash))
        {
            key = await keys.FindByHashAsync(hash);
            if (key is null)
                return null;
            _byHash[cacheKey] = key;
        }
        if (key.RevokedMs is not null || _revoked.ContainsKey(key.Id))
            return null;
        return new Caller(key.Id, key.AccountId, key.Name, key.Grp);
    }

    public void Evict(long keyId)
    {
        _revoked[keyId] = true;
        foreach (var (hash, key) in _byHash)
            if (key.Id == keyId)
                _byHash.TryRemove(hash, out _);
    }
}
