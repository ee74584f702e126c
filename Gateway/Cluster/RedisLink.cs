using Gateway.Observability;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Cluster;

/// <summary>
/// This instance's one connection to Redis (<c>ConnectionStrings:Redis</c>), when configured, and whether
/// it is usable now. The multiplexer reconnects by itself (<c>AbortOnConnectFail=false</c>) and fails
/// commands at once while disconnected (<see cref="BacklogPolicy.FailFast"/>) instead of queueing them
/// for its whole timeout, so a Redis outage never holds an admission. A command that failed or timed out
/// while connected (Redis slow) keeps Redis out for <see cref="HoldOff"/>, then it is tried again.
/// </summary>
internal sealed partial class RedisLink(string? connectionString, IOptions<ClusterOptions> options, TimeProvider clock, ILogger<RedisLink> logger)
    : IAsyncDisposable
{
    public const string ConnectionStringName = "Redis";

    /// <summary>Every key and channel of the gateway starts with this, so Redis can be shared with others.</summary>
    public const string Prefix = "gateway:";

    /// <summary>How long Redis is left alone after a command failed while the connection looked fine.</summary>
    public static readonly TimeSpan HoldOff = TimeSpan.FromSeconds(1);

    private ConnectionMultiplexer? _multiplexer;
    private long _holdOffUntil;   // TimeProvider timestamp
    private volatile string? _lastFailure;

    public bool IsConfigured => connectionString is not null;

    /// <summary>How long a caller waits for one command before it decides without Redis.</summary>
    public TimeSpan Timeout => TimeSpan.FromMilliseconds(options.Value.RedisTimeoutMs);

    /// <summary>Connected, and no command failed in the last <see cref="HoldOff"/>.</summary>
    public bool IsUp => _multiplexer is { IsConnected: true } && clock.GetTimestamp() >= Interlocked.Read(ref _holdOffUntil);

    /// <summary>Why Redis is not used now (no secret: failure types and endpoints only), or null while it is.</summary>
    public string? DownReason => IsUp ? null : _multiplexer is null ? "not connected yet" : _lastFailure ?? "not connected";

    public IDatabase Database => _multiplexer!.GetDatabase();

    public ISubscriber Subscriber => _multiplexer!.GetSubscriber();

    /// <summary>Raised when a connection to Redis is (re-)established: messages sent while it was down were lost.</summary>
    public event Action? Restored;

    /// <returns>The parsed configuration with at least one endpoint, or null.</returns>
    public static ConfigurationOptions? ParseOrNull(string connectionString)
    {
        try
        {
            var parsed = ConfigurationOptions.Parse(connectionString);
            return parsed.EndPoints.Count > 0 ? parsed : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Connects (or starts reconnecting in the background when Redis is down); never throws for an unreachable Redis.</summary>
    public async Task ConnectAsync()
    {
        if (connectionString is null)
            return;
        var configuration = ParseOrNull(connectionString)!;
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ClientName ??= "gateway";
        // Come back within a second or two of Redis returning, at most every 5 s while it stays away.
        configuration.ReconnectRetryPolicy ??= new ExponentialRetry(250, 5_000);
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        _multiplexer.ConnectionFailed += OnConnectionFailed;
        _multiplexer.ConnectionRestored += OnConnectionRestored;
        RedisMetrics.SetUp(IsUp);
        if (!_multiplexer.IsConnected)
            Log.Unreachable(logger, "not reachable at start");
    }

    /// <summary>A command failed or timed out: use local state for <see cref="HoldOff"/>.</summary>
    public void ReportFailure(string what)
    {
        _lastFailure = what;
        Interlocked.Exchange(ref _holdOffUntil, clock.GetTimestamp() + (long)(HoldOff.TotalSeconds * clock.TimestampFrequency));
        RedisMetrics.SetUp(false);
        Log.Unreachable(logger, what);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        _lastFailure = $"connection failed ({e.FailureType})";
        RedisMetrics.SetUp(false);
        Log.Unreachable(logger, _lastFailure);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        Interlocked.Exchange(ref _holdOffUntil, 0);
        RedisMetrics.SetUp(IsUp);
        Log.Restored(logger, e.ConnectionType.ToString());
        Restored?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
            await multiplexer.DisposeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Redis unusable ({Reason}): rate limits fall back (or refuse, with Gateway:RefuseWhenRedisDown) and the change feed waits until it returns")]
        public static partial void Unreachable(ILogger logger, string reason);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Redis connection restored ({ConnectionType})")]
        public static partial void Restored(ILogger logger, string connectionType);
    }
}
