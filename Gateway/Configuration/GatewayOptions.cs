namespace Gateway.Configuration;

/// <summary>The <c>Gateway</c> section.</summary>
internal sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The operator's secret for /admin and all of /logs. Unset: the admin API answers 403.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Largest request body accepted, in bytes; larger is a 413. Default 10 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Peers (IP addresses) whose <c>X-Forwarded-For</c> is believed. Default none.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>How long a store write waits on a lock before it counts as a failure, in milliseconds. Default 5000.</summary>
    public int StoreBusyTimeoutMs { get; set; } = Metering.Storage.Sqlite.Engine.SqliteDatabase.DefaultBusyTimeoutMs;

    /// <summary>
    /// Fsync every commit (SQLite <c>synchronous=FULL</c>): rows survive power loss, at ~1 ms more per
    /// request. Default off (<c>NORMAL</c> in WAL): rows survive any crash of the process, the last
    /// commits may be lost to a power cut.
    /// </summary>
    public bool StoreFsyncEveryCommit { get; set; }

    /// <summary>
    /// PostgreSQL store: how long a balance this instance read is trusted before the next admission reads
    /// it again (other instances debit the same accounts), in milliseconds. Default 1000.
    /// </summary>
    public int StoreBalanceMaxAgeMs { get; set; } = 1000;

    /// <summary>
    /// PostgreSQL store: at or below this balance, in USD, every admission reads the balance from the
    /// database instead of memory, so an account another instance emptied is refused at once. Default 1.
    /// </summary>
    public decimal StoreBalanceReadBelowUsd { get; set; } = 1m;

    /// <summary>Tries at the upstream per request, the first included; retries happen only before any byte reached the client. Default 3.</summary>
    public int UpstreamMaxAttempts { get; set; } = 3;

    /// <summary>No new try starts after this long since the first, in milliseconds. Default 10000.</summary>
    public int UpstreamRetryBudgetMs { get; set; } = 10_000;

    /// <summary>Base delay between tries (exponential, with jitter), in milliseconds. Default 50.</summary>
    public int UpstreamRetryDelayMs { get; set; } = 50;

    /// <summary>Calls a destination must see in 30 s before its breaker may open at 50% failures. Default 10.</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>How long an open breaker keeps its destination out, in seconds. Default 30.</summary>
    public int BreakerBreakSeconds { get; set; } = 30;

    /// <summary>Days of log rows kept; 0 keeps them forever (default).</summary>
    public int RetentionDays { get; set; }

    /// <summary>
    /// A second secret that may read <c>GET /metrics</c> (as <c>Authorization: Bearer</c>), for a scraper
    /// that must not hold the admin key. Default unset: only the admin key reads it.
    /// </summary>
    public string? MetricsKey { get; set; }

    /// <summary><c>true</c>: <c>GET /metrics</c> answers anyone, without a key. Default <c>false</c>.</summary>
    public bool PublicMetrics { get; set; }

    /// <summary>
    /// Browser origins (<c>https://app.example.com</c>, or <c>*</c> for any) answered with CORS headers, preflight
    /// included, on the client routes (<c>/v1</c>, <c>/apis</c>). Default none: browsers get no CORS answer.
    /// </summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>Give memory back to the OS when the gateway goes quiet after work (see <c>IdleMemoryTrimmer</c>). Default <c>true</c>.</summary>
    public bool TrimMemoryWhenIdle { get; set; } = true;
}
