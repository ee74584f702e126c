namespace Gateway.Cluster;

/// <summary>
/// How this instance shares state with the others (SPEC §10), from the <c>Gateway</c> section;
/// Redis itself is <c>ConnectionStrings:Redis</c>. Validated at start by <see cref="ClusterOptionsValidator"/>.
/// </summary>
internal sealed class ClusterOptions
{
    /// <summary>
    /// <c>true</c>: while Redis is unreachable, a request whose key has rate limits is refused with a 503
    /// instead of being admitted by this instance's own windows. Default <c>false</c> (fall back to local limits).
    /// </summary>
    public bool RefuseWhenRedisDown { get; set; }

    /// <summary>
    /// <c>true</c> accepts rate limits kept by each instance alone on a PostgreSQL store without Redis
    /// (N instances then admit up to N × <c>Rpm</c>). Default <c>false</c>: such a start-up is refused.
    /// </summary>
    public bool PerInstanceRateLimits { get; set; }

    /// <summary>How long an admission waits for Redis before it decides locally, in milliseconds. Default 250.</summary>
    public int RedisTimeoutMs { get; set; } = 250;

    /// <summary>
    /// A cached API key is read again from the store once it is this old, in seconds: the backstop for a
    /// change-feed message that was lost (Redis down at that moment). Default 10.
    /// </summary>
    public int KeyCacheSeconds { get; set; } = 10;

    /// <summary>
    /// How often the model prices set at run time are read again from the store, in seconds: the backstop for a
    /// change-feed message that was lost, and how instances without Redis learn of a change. Default 2, the
    /// time SPEC §13 allows a change to reach every instance.
    /// </summary>
    public int PriceRefreshSeconds { get; set; } = 2;
}
