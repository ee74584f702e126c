namespace Gateway.Configuration;

/// <summary>
/// What may be called and at what price: the root sections <c>Models</c>, <c>Groups</c> and
/// <c>PerCallApis</c> (SPEC §2), validated at start by <see cref="CatalogOptionsValidator"/>.
/// </summary>
internal sealed class CatalogOptions
{
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, GroupOptions> Groups { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, PerCallApiOptions> PerCallApis { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class ModelOptions
{
    /// <summary>The <c>ReverseProxy:Clusters</c> id that serves this model. Required.</summary>
    public string Cluster { get; set; } = "";

    /// <summary>Multiplier on $2 per million input tokens. Default 1 (unless <see cref="Price"/> is set).</summary>
    public decimal? ModelRatio { get; set; }

    /// <summary>Output tokens cost this many input tokens. Default 1.</summary>
    public decimal? CompletionRatio { get; set; }

    /// <summary>Cache reads cost this many input tokens. Default 1.</summary>
    public decimal? CacheRatio { get; set; }

    /// <summary>Cache writes cost this many input tokens. Default 1.25.</summary>
    public decimal? CacheWriteRatio { get; set; }

    /// <summary>USD per call; token counts are then ignored. Excludes the ratios.</summary>
    public decimal? Price { get; set; }

    /// <summary>USD per image made (<c>/v1/images/*</c>), whatever its size and quality unless <see cref="ImagePrices"/> says otherwise.</summary>
    public decimal? PricePerImage { get; set; }

    /// <summary>
    /// USD per image by size or quality and size, as the provider prices them: keys <c>1024x1024</c> (any quality)
    /// or <c>hd-1024x1792</c> (that quality). The most specific key wins, then <see cref="PricePerImage"/>;
    /// a size and quality priced by neither is refused (400).
    /// </summary>
    public Dictionary<string, decimal> ImagePrices { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>USD per second of input audio (<c>/v1/audio/transcriptions</c>, <c>/translations</c>), as the upstream reports it.</summary>
    public decimal? PricePerSecond { get; set; }

    /// <summary>USD per character of input text (<c>/v1/audio/speech</c>).</summary>
    public decimal? PricePerCharacter { get; set; }

    /// <summary>USD per search unit (<c>/v1/rerank</c>, Cohere: one query over at most 100 documents).</summary>
    public decimal? PricePerSearchUnit { get; set; }

    /// <summary>The name sent upstream, when it differs from the one clients use.</summary>
    public string? UpstreamModel { get; set; }
}

internal sealed class GroupOptions
{
    /// <summary>Multiplier on every price for keys of this group. Default 1.</summary>
    public decimal Ratio { get; set; } = 1m;

    /// <summary>Requests per minute per key; 0 = no limit.</summary>
    public int Rpm { get; set; }

    /// <summary>Tokens per minute per key; 0 = no limit.</summary>
    public long Tpm { get; set; }
}

internal sealed class PerCallApiOptions
{
    /// <summary>The cluster that serves <c>/apis/&lt;api&gt;/…</c>.</summary>
    public string Cluster { get; set; } = "";

    /// <summary>USD per successful call.</summary>
    public decimal Price { get; set; }
}
