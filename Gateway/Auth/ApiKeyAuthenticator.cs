using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Gateway.Cluster;
using Metering.Storage;
using Microsoft.Extensions.Options;

namespace Gateway.Auth;

/// <summary>
/// Stage 1 of the pipeline: a presented key to its caller. Known keys are cached by hash so the hot
/// path does no I/O (the key's policy is parsed once, when it is loaded); revocation and edits evict at
/// once, on every instance through the change feed. A cached key older than
/// <see cref="ClusterOptions.KeyCacheSeconds"/> is read again from the store: the backstop for a
/// change-feed message lost while Redis was away. The cache is keyed by the hash's first 128 bits
/// (no hex string per request); the whole hash is still compared, in fixed time, before a key is accepted.
/// </summary>
internal sealed class ApiKeyAuthenticator(IKeyStore keys, TimeProvider clock, IOptions<ClusterOptions> options)
{
    private sealed record CachedKey(ApiKeyRecord Record, Caller Caller, long LoadedAt);

    private readonly ConcurrentDictionary<UInt128, CachedKey> _byHash = new();

    // Revoked ids are remembered, not only evicted: a lookup that raced the revocation may re-cache the old record.
    private readonly ConcurrentDictionary<long, bool> _revoked = new();

    // Moves on every eviction: a lookup that began before an edit committed does not cache what it read,
    // so the edit holds from the request after the admin call's answer.
    private long _generation;

    public async ValueTask<Caller?> AuthenticateAsync(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || !secret.StartsWith(ApiKeySecret.Prefix, StringComparison.Ordinal))
            return null;
        var hash = ApiKeySecret.Hash(secret);
        var cacheKey = BinaryPrimitives.ReadUInt128LittleEndian(hash);
        if (!_byHash.TryGetValue(cacheKey, out var cached) || !CryptographicOperations.FixedTimeEquals(cached.Record.KeyHash, hash) || IsStale(cached))
        {
            var generation = Interlocked.Read(ref _generation);
            var loaded = await keys.FindByHashAsync(hash);
            if (loaded is null)
            {
                _byHash.TryRemove(cacheKey, out _);
                return null;
            }
            var caller = new Caller(loaded.Id, loaded.AccountId, loaded.Name, loaded.Grp, KeyPolicy.From(loaded.Policy));
            cached = new CachedKey(loaded, caller, clock.GetTimestamp());
            if (Interlocked.Read(ref _generation) == generation)
                _byHash[cacheKey] = cached;
        }
        var key = cached.Record;
        if (key.RevokedMs is not null || _revoked.ContainsKey(key.Id))
            return null;
        return cached.Caller;
    }

    /// <summary>The key was revoked: refused from now on, whatever a racing lookup caches.</summary>
    public void Evict(long keyId)
    {
        _revoked[keyId] = true;
        Forget(keyId);
    }

    /// <summary>The key was edited: its next request reads it again from the store.</summary>
    public void Forget(long keyId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (hash, cached) in _byHash)
            if (cached.Record.Id == keyId)
                _byHash.TryRemove(hash, out _);
    }

    /// <summary>Every key is read again on its next request (change-feed messages may have been missed).</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _byHash.Clear();
    }

    private bool IsStale(CachedKey cached) => clock.GetElapsedTime(cached.LoadedAt).TotalSeconds >= options.Value.KeyCacheSeconds;
}
