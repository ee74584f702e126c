using Gateway.Configuration;

namespace Gateway.Proxy.RateLimits;

/// <summary>
/// The per-key <c>Rpm</c>/<c>Tpm</c> windows, wherever they are kept: in this process
/// (<see cref="KeyRateLimiter"/>) or shared by every instance through Redis
/// (<see cref="Cluster.RateLimits.RedisKeyRateLimits"/>). Admission asks; the meter tells it the tokens.
/// </summary>
internal interface IKeyRateLimits
{
    /// <summary>Counts the request when it is admitted. Never throws; a decision may be <see cref="RateLimitDecision.Unavailable"/>.</summary>
    ValueTask<RateLimitDecision> TryAcquireAsync(long keyId, GroupOptions limits);

    /// <summary>After the response: the tokens the request used count against the key's <c>Tpm</c>. Never throws.</summary>
    ValueTask RecordTokensAsync(long keyId, GroupOptions limits, long tokens);

    /// <summary>At start, before traffic: makes the first admission as fast as the rest. Never throws.</summary>
    ValueTask WarmUpAsync() => ValueTask.CompletedTask;
}
