using System.Text.Json;
using System.Text.Json.Serialization;

namespace Metering.Ledger;

/// <summary>One try at the upstream: which destination, what it answered, or how it failed.</summary>
public sealed record AttemptDetail(string Destination, int? Status, string? Error);

/// <summary>The billing breakdown kept with each metered row (SPEC §6 <c>details</c>).</summary>
public sealed record LogDetails
{
    public decimal? ModelRatio { get; init; }
    public decimal? CompletionRatio { get; init; }
    public decimal? CacheRatio { get; init; }
    public decimal? CacheWriteRatio { get; init; }
    public decimal? GroupRatio { get; init; }
    public decimal? Price { get; init; }
    [JsonPropertyName("input_price_per_1m")]
    public decimal? InputPricePer1M { get; init; }

    [JsonPropertyName("output_price_per_1m")]
    public decimal? OutputPricePer1M { get; init; }
    public string? UsageSource { get; init; }
    public bool? Completed { get; init; }
    public string? UpstreamModel { get; init; }
    /// <summary>The tries at the upstream, when there was more than one; only the last served and was charged.</summary>
    public AttemptDetail[]? Attempts { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LogDetails? FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<LogDetails>(json, Json);
}
