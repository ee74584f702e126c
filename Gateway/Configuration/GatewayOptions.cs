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
    public int StoreBusyTimeoutMs { get; set; } = Metering.Storage.SqliteDatabase.DefaultBusyTimeoutMs;

    /// <summary>Days of log rows kept; 0 keeps them forever (default).</summary>
    public int RetentionDays { get; set; }
}
