using Gateway.Proxy.RateLimits;
namespace Gateway.Cluster.RateLimits;

/// <summary>
/// The Lua that keeps a key's sliding one-minute windows in Redis, on Redis's own clock
/// (<c>redis.call('TIME')</c>, so instances with skewed clocks agree), each call atomic. It decides
/// exactly as <see cref="Proxy.RateLimits.KeyRateLimiter"/> does: entries at or before now − window are dropped,
/// a request is admitted while fewer than <c>Rpm</c> requests and fewer than <c>Tpm</c> tokens are in
/// the window, and only an admitted request is counted.
/// Keys (one hash tag per API key, so a Redis Cluster keeps them on one node):
/// <c>KEYS[1]</c> requests (sorted set, score = µs), <c>KEYS[2]</c> token entries (sorted set, member
/// "count:id"), <c>KEYS[3]</c> the sum of the token entries; all expire one window after their last write.
/// Times are unix microseconds: below 2^53, exact as Lua numbers.
/// </summary>
internal static class RateLimitScripts
{
    /// <summary>
    /// ARGV: rpm, tpm, window (µs), a member id unique to this request. Returns
    /// {allowed (1/0), requests in window, tokens in window, µs until the oldest request leaves, µs until the oldest token entry leaves}.
    /// </summary>
    public const string Acquire = """
        local now_parts = redis.call('TIME')
        local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
        local rpm, tpm, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local cutoff = now - window
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cutoff)
        if #expired > 0 then
          local gone = 0
          for _, member in ipairs(expired) do gone = gone + tonumber(string.match(member, '^(%d+)')) end
          redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cutoff)
          if redis.call('DECRBY', KEYS[3], gone) <= 0 then redis.call('DEL', KEYS[3]) end
        end
        local requests = redis.call('ZCARD', KEYS[1])
        local tokens = tonumber(redis.call('GET', KEYS[3]) or '0')
        local allowed = not (rpm > 0 and requests >= rpm) and not (tpm > 0 and tokens >= tpm)
        if allowed then
          redis.call('ZADD', KEYS[1], now, ARGV[4])
          redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
          requests = requests + 1
        end
        local function until_leaves(key)
          local oldest = redis.call('ZRANGE', KEYS[key], 0, 0, 'WITHSCORES')
          if #oldest == 0 then return 0 end
          return tonumber(oldest[2]) + window - now
        end
        return { allowed and 1 or 0, requests, tokens, until_leaves(1), until_leaves(2) }
        """;

    /// <summary>ARGV: tokens (> 0), window (µs), a member id unique to this request. Returns nothing.</summary>
    public const string RecordTokens = """
        local now_parts = redis.call('TIME')
        local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
        local ttl = math.ceil(tonumber(ARGV[2]) / 1000)
        redis.call('ZADD', KEYS[2], now, ARGV[1] .. ':' .. ARGV[3])
        redis.call('INCRBY', KEYS[3], ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ttl)
        redis.call('PEXPIRE', KEYS[3], ttl)
        return 0
        """;
}
