using Gateway.Configuration;
using Gateway.Observability;
using Gateway.Proxy;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Gateway.Proxy.RateLimits;

namespace Gateway.Cluster.RateLimits;

/// <summary>
/// The per-key windows shared by every instance (SPEC §10): one Lua script per admission
/// (<see cref="RateLimitScripts"/>), one after each metered response. While Redis is unreachable or
/// slower than <see cref="ClusterOptions.RedisTimeoutMs"/>, this instance's own <see cref="KeyRateLimiter"/>
/// decides (or, with <see cref="ClusterOptions.RefuseWhenRedisDown"/>, the request is refused), counted
/// in /metrics; Redis is used again as soon as it answers.
/// </summary>
internal sealed class RedisKeyRateLimits(RedisLink redis, KeyRateLimiter local, IOptions<ClusterOptions> options) : IKeyRateLimits
{
    private const string KeyPrefix = RedisLink.Prefix + "rl:{";
    private static readonly long WindowMicros = (long)KeyRateLimiter.Window.TotalMicroseconds;

    // Sorted-set members must be unique per request across instances: this instance's random id and a counter.
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12] + ":";
    private long _sequence;

    public async ValueTask<RateLimitDecision> TryAcquireAsync(long keyId, GroupOptions limits)
    {
        if (limits.Rpm <= 0 && limits.Tpm <= 0)
            return RateLimitDecision.Unlimited;
        if (redis.IsUp)
        {
            try
            {
                // A script that times out here may still run on Redis later and count this request there too:
                // the shared window errs towards refusing, never towards admitting more than Rpm.
                var result = await redis.Database.ScriptEvaluateAsync(RateLimitScripts.Acquire, Keys(keyId),
                    [limits.Rpm, limits.Tpm, WindowMicros, NextMember()]).WaitAsync(redis.Timeout);
                return Decide((RedisResult[])result!, limits);
            }
            catch (Exception ex)
            {
                redis.ReportFailure($"rate-limit script failed: {ex.GetType().Name}");
            }
        }
        if (options.Value.RefuseWhenRedisDown)
        {
            RedisMetrics.RefusedWithoutRedis();
            return RateLimitDecision.Unavailable;
        }
        RedisMetrics.FellBackToLocal();
        return local.TryAcquire(keyId, limits);
    }

    public ValueTask RecordTokensAsync(long keyId, GroupOptions limits, long tokens)
    {
        // Without a Tpm the tokens change no decision and no header.
        if (limits.Tpm <= 0 || tokens <= 0)
            return ValueTask.CompletedTask;
        if (!redis.IsUp)
        {
            local.RecordTokens(keyId, tokens);
            return ValueTask.CompletedTask;
        }
        return RecordSharedAsync(keyId, tokens);
    }

    private async ValueTask RecordSharedAsync(long keyId, long tokens)
    {
        try
        {
            await redis.Database.ScriptEvaluateAsync(RateLimitScripts.RecordTokens, Keys(keyId), [tokens, WindowMicros, NextMember()])
                .WaitAsync(redis.Timeout);
        }
        catch (Exception ex)
        {
            redis.ReportFailure($"token record failed: {ex.GetType().Name}");
            local.RecordTokens(keyId, tokens);
        }
    }

    /// <summary>
    /// Runs both scripts once on a key of its own, so Redis holds them compiled and this process has run the
    /// client's whole script path: a fresh instance's first admission took longer than <see cref="RedisLink.Timeout"/>
    /// (JIT, the script's first load) and was decided by the local window, admitting more than <c>Rpm</c> across instances.
    /// </summary>
    public async ValueTask WarmUpAsync()
    {
        if (!redis.IsUp)
            return;   // decided locally until Redis comes: nothing to warm
        RedisKey[] keys = [RedisLink.Prefix + "rl:{warm-up}:req", RedisLink.Prefix + "rl:{warm-up}:tok", RedisLink.Prefix + "rl:{warm-up}:toksum"];
        try
        {
            await redis.Database.ScriptEvaluateAsync(RateLimitScripts.Acquire, keys, [0, 0, WindowMicros, NextMember()]);
            await redis.Database.ScriptEvaluateAsync(RateLimitScripts.RecordTokens, keys, [1, WindowMicros, NextMember()]);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            redis.ReportFailure($"warm-up failed: {ex.GetType().Name}");
        }
    }

    /// <summary>The script's answer as the headers and refusal of <see cref="KeyRateLimiter"/> would put it.</summary>
    private static RateLimitDecision Decide(RedisResult[] result, GroupOptions limits)
    {
        var allowed = (long)result[0] == 1;
        var requests = (long)result[1];
        var tokens = (long)result[2];
        var resetRequests = TimeSpan.FromMicroseconds((long)result[3]);
        var resetTokens = TimeSpan.FromMicroseconds((long)result[4]);
        var requestsFull = !allowed && limits.Rpm > 0 && requests >= limits.Rpm;
        var tokensFull = !allowed && limits.Tpm > 0 && tokens >= limits.Tpm;
        var retryAfter = TimeSpan.FromTicks(Math.Max(requestsFull ? resetRequests.Ticks : 0, tokensFull ? resetTokens.Ticks : 0));
        return new RateLimitDecision(allowed, limits.Rpm, (int)Math.Max(0, limits.Rpm - requests), limits.Tpm,
            Math.Max(0, limits.Tpm - tokens), resetRequests, retryAfter);
    }

    private static RedisKey[] Keys(long keyId)
    {
        var tag = KeyPrefix + keyId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}:";
        return [tag + "req", tag + "tok", tag + "toksum"];
    }

    private string NextMember() => _instance + Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
