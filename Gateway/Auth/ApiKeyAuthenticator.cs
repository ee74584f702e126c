using System.Collections.Concurrent;
using System.Security.Cryptography;
using Metering.Storage;

namespace Gateway.Auth;

/// <summary>
/// Stage 1 of the pipeline: a presented key to its caller. Known keys are cached by hash so the hot
/// path does no I/O; revocation evicts at once.
/// </summary>
internal sealed class ApiKeyAuthenticator(KeyStore keys)
{
    private readonly ConcurrentDictionary<string, ApiKeyRecord> _byHash = new(StringComparer.Ordinal);

    // Revoked ids are remembered, not only evicted: a lookup that raced the revocation may re-cache the old record.
    private readonly ConcurrentDictionary<long, bool> _revoked = new();

    public async ValueTask<Caller?> AuthenticateAsync(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || !secret.StartsWith(ApiKeySecret.Prefix, StringComparison.Ordinal))
            return null;
        var hash = ApiKeySecret.Hash(secret);
        var cacheKey = Convert.ToHexString(hash);
        if (!_byHash.TryGetValue(cacheKey, out var key))
        {
            key = await keys.FindByHashAsync(hash);
            if (key is null)
                return null;
            _byHash[cacheKey] = key;
        }
        // The lookup was by hash; compare the stored bytes in fixed time all the same.
        if (key.RevokedMs is not null || _revoked.ContainsKey(key.Id) || !CryptographicOperations.FixedTimeEquals(key.KeyHash, hash))
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
