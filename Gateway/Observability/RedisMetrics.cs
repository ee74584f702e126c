using Prometheus;

namespace Gateway.Observability;

/// <summary>
/// What /metrics says of Redis (SPEC §10, issue #16): whether this instance reaches it, and what it did
/// without it. Exported only once Redis is configured, so a single instance shows none of them.
/// </summary>
internal static class RedisMetrics
{
    // SuppressInitialValue: a series appears when first set, not as a misleading 0 on a gateway without Redis.
    private static readonly Gauge Up = Metrics.CreateGauge("gateway_redis_up",
        "1 while this instance reaches Redis (shared rate limits and change feed); 0 while it falls back.",
        new GaugeConfiguration { SuppressInitialValue = true });

    private static readonly Counter Fallbacks = Metrics.CreateCounter("gateway_rate_limit_redis_fallbacks_total",
        "Admissions of rate-limited keys decided without Redis because it was unreachable or slow: 'local' (this instance's own windows) or 'refused' (503, Gateway:RefuseWhenRedisDown).",
        new CounterConfiguration { LabelNames = ["action"] });

    private static readonly Counter FeedFailures = Metrics.CreateCounter("gateway_change_feed_publish_failures_total",
        "Changes committed here that could not be published to the other instances (they catch up through the key cache's re-check).",
        new CounterConfiguration { SuppressInitialValue = true });

    public static void SetUp(bool up) => Up.Set(up ? 1 : 0);

    public static void FellBackToLocal() => Fallbacks.WithLabels("local").Inc();

    public static void RefusedWithoutRedis() => Fallbacks.WithLabels("refused").Inc();

    public static void FeedPublishFailed() => FeedFailures.Inc();
}
