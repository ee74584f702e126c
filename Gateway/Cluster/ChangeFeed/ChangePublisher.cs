using Gateway.Observability;
using StackExchange.Redis;

namespace Gateway.Cluster.ChangeFeed;

/// <summary>
/// Tells every instance what changed, after the change committed: this instance's caches at once, the
/// others through Redis pub/sub (when configured) within the publish's round trip. A publish that fails
/// (Redis down or slow) is logged and counted, never an error for the admin call whose change already
/// committed; the others then catch up through the key cache's re-check and the prices' re-read.
/// </summary>
internal sealed partial class ChangePublisher(RedisLink redis, CacheInvalidator caches, ILogger<ChangePublisher> logger)
{
    public static readonly RedisChannel Channel = RedisChannel.Literal(RedisLink.Prefix + "changes");

    public async Task PublishAsync(ChangeNotice notice)
    {
        caches.Apply(notice);
        if (!redis.IsConfigured)
            return;
        try
        {
            await redis.Subscriber.PublishAsync(Channel, notice.ToWire()).WaitAsync(redis.Timeout);
        }
        catch (Exception ex)
        {
            RedisMetrics.FeedPublishFailed();
            Log.NotPublished(logger, notice.ToWire(), ex.GetType().Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Change {Notice} committed but not published to the other instances ({Failure}); they see it within Gateway:KeyCacheSeconds (keys) or Gateway:PriceRefreshSeconds (prices)")]
        public static partial void NotPublished(ILogger logger, string notice, string failure);
    }
}
