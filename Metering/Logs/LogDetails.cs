using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Metering.Logs;

/// <summary>One try at the upstream: which destination, what it answered, or how it failed.</summary>
public sealed record AttemptDetail(string Destination, int? Status, string? Error);

/// <summary>
/// A model's price as charged, where it came from (<c>appsettings</c>, or <c>override</c> when set at run time):
/// a token-priced model's ratios with their defaults applied, a per-call model's <see cref="Price"/>.
/// </summary>
public sealed record ModelPriceDetail(string Source, string Cluster, decimal? ModelRatio, decimal? CompletionRatio, decimal? CacheRatio,
    decimal? CacheWriteRatio, decimal? Price, string? UpstreamModel);

/// <summary>The billing breakdown kept with each metered row (SPEC §6 <c>details</c>), and what a system row records of its change.</summary>
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

    /// <summary>For a call priced by another unit than tokens: the unit (<c>image</c>, <c>second</c>, <c>character</c>, <c>search_unit</c>).</summary>
    public string? Unit { get; init; }

    /// <summary>How many <see cref="Unit"/>s were billed.</summary>
    public decimal? Units { get; init; }

    /// <summary>USD per <see cref="Unit"/>, before the group ratio.</summary>
    public decimal? UnitPrice { get; init; }
    public bool? Completed { get; init; }
    public string? UpstreamModel { get; init; }

    /// <summary>The id of the response a <c>/v1/responses</c> call created (its later retrievals are routed by it).</summary>
    public string? ResponseId { get; init; }
    /// <summary>
    /// The cluster and destination that served the call (its last try; never a credential). With a response id,
    /// where the response lives: its later calls go there.
    /// </summary>
    public string? Cluster { get; init; }
    public string? Destination { get; init; }
    /// <summary>The tries at the upstream, when there was more than one; only the last served and was charged.</summary>
    public AttemptDetail[]? Attempts { get; init; }

    /// <summary>A system row of a model's price change (SPEC §13): the model, and its price before and after (null: not listed).</summary>
    public string? Model { get; init; }
    public ModelPriceDetail? Old { get; init; }
    public ModelPriceDetail? New { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    // Rows of one model, group and outcome carry equal details, so each distinct text is built once
    // (serializing was ~1 µs and 360 bytes a request). Bounded: cleared when full.
    private static readonly ConcurrentDictionary<LogDetails, string> Texts = new();
    private const int MaxTexts = 1024;

    public string ToJson()
    {
        // A record compares arrays by reference: details with attempts are rare and never equal.
        // A response id is unique to its row: caching it would only evict the texts that repeat.
        if (Attempts is not null || ResponseId is not null)
            return JsonSerializer.Serialize(this, Json);
        if (Texts.TryGetValue(this, out var text))
            return text;
        text = JsonSerializer.Serialize(this, Json);
        if (Texts.Count >= MaxTexts)
            Texts.Clear();
        Texts.TryAdd(this, text);
        return text;
    }

    public static LogDetails? FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<LogDetails>(json, Json);
}
