using Gateway.Cluster.ChangeFeed;
using Gateway.Proxy.RateLimits;

namespace Gateway.Cluster;

/// <summary>
/// At start, when Redis is configured: connects (a Redis that is down does not stop start-up; it is
/// picked up when it comes), warms the rate-limit scripts before the first request, and listens to the change feed. The multiplexer subscribes again by itself
/// after a reconnect; since messages sent meanwhile are lost, every cached key is then read again.
/// (Account states are not: item 5 of issue #16, balances across instances, decides how they stay fresh.)
/// </summary>
internal sealed partial class ClusterHostedService(RedisLink redis, CacheInvalidator caches, Proxy.RateLimits.IKeyRateLimits rateLimits,
    ILogger<ClusterHostedService> logger) : IHostedService
{
    private volatile bool _subscribed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!redis.IsConfigured)
            return;
        await redis.ConnectAsync();
        await rateLimits.WarmUpAsync();
        redis.Restored += OnRestored;
        await SubscribeAsync();
    }

    private void OnRestored()
    {
        caches.ForgetAllKeys();
        if (!_subscribed)
            _ = SubscribeAsync();
    }

    private async Task SubscribeAsync()
    {
        try
        {
            // Handlers run as messages arrive (order does not matter: each notice only drops cached state).
            await redis.Subscriber.SubscribeAsync(ChangePublisher.Channel, (_, message) =>
            {
                if (ChangeNotice.TryParse(message, out var notice))
                    caches.Apply(notice);
                else
                    Log.UnknownNotice(logger, ((string?)message ?? "").Length);
            });
            _subscribed = true;
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // Redis down at start: subscribed when it is first reached (OnRestored).
            Log.NotSubscribedYet(logger, ex.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Ignored a change-feed message this build does not know ({Length} characters)")]
        public static partial void UnknownNotice(ILogger logger, int length);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Change feed not subscribed at start ({Failure}); it is when Redis is reached")]
        public static partial void NotSubscribedYet(ILogger logger, string failure);
    }
}
