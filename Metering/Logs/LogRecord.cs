namespace Metering.Logs;

/// <summary>
/// One usage-log row exactly as stored: money in nano-USD, time in unix-ms, details as JSON text.
/// Property names double as the SQL parameter names.
/// </summary>
public sealed record LogRecord
{
    public long Id { get; init; }
    public required string RequestId { get; init; }
    public required long TimeMs { get; init; }
    public required string Type { get; init; }
    public long? AccountId { get; init; }
    public long? KeyId { get; init; }
    public string TokenName { get; init; } = "";
    public string Grp { get; init; } = "";
    public string Model { get; init; } = "";
    public string Path { get; init; } = "";
    public int Status { get; init; }
    public bool Stream { get; init; }
    public long? DurationMs { get; init; }
    public long? FirstTokenMs { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CachedTokens { get; init; }
    public long CacheWriteTokens { get; init; }
    public long SpendNano { get; init; }
    public string? Ip { get; init; }
    public string? Message { get; init; }
    public string? Details { get; init; }
}
