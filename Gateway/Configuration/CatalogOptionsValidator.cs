using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Stops start-up on a catalog that would misprice or misroute, naming the offending key.</summary>
internal sealed class CatalogOptionsValidator(IReadOnlySet<string> clusterIds) : IValidateOptions<CatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, CatalogOptions options)
    {
        var failures = new List<string>();
        foreach (var (model, m) in options.Models)
        {
            var key = $"Models:{model}";
            CheckCluster(failures, $"{key}:Cluster", m.Cluster);
            CheckNotNegative(failures, $"{key}:ModelRatio", m.ModelRatio);
            CheckNotNegative(failures, $"{key}:CompletionRatio", m.CompletionRatio);
            CheckNotNegative(failures, $"{key}:CacheRatio", m.CacheRatio);
            CheckNotNegative(failures, $"{key}:CacheWriteRatio", m.CacheWriteRatio);
            CheckNotNegative(failures, $"{key}:Price", m.Price);
            CheckNotNegative(failures, $"{key}:PricePerImage", m.PricePerImage);
            CheckNotNegative(failures, $"{key}:PricePerSecond", m.PricePerSecond);
            CheckNotNegative(failures, $"{key}:PricePerCharacter", m.PricePerCharacter);
            CheckNotNegative(failures, $"{key}:PricePerSearchUnit", m.PricePerSearchUnit);
            foreach (var (size, price) in m.ImagePrices)
                CheckNotNegative(failures, $"{key}:ImagePrices:{size}", price);
            var ratios = (m.ModelRatio ?? m.CompletionRatio ?? m.CacheRatio ?? m.CacheWriteRatio) is not null;
            var images = m.PricePerImage is not null || m.ImagePrices.Count > 0;
            (bool Set, string Name)[] ways = [(m.Price is not null, "Price"), (ratios, "ratios"), (images, "PricePerImage/ImagePrices"),
                (m.PricePerSecond is not null, "PricePerSecond"), (m.PricePerCharacter is not null, "PricePerCharacter"), (m.PricePerSearchUnit is not null, "PricePerSearchUnit")];
            if (ways.Where(w => w.Set).Select(w => w.Name).ToArray() is { Length: > 1 } set)
                failures.Add($"{key} sets both {set[0]} and {set[1]}; a model is priced one way (per call, per token, per image, per second, per character or per search unit).");
        }
        foreach (var (group, g) in options.Groups)
        {
            CheckNotNegative(failures, $"Groups:{group}:Ratio", g.Ratio);
            if (g.Rpm < 0) failures.Add($"Groups:{group}:Rpm is negative ({g.Rpm}).");
            if (g.Tpm < 0) failures.Add($"Groups:{group}:Tpm is negative ({g.Tpm}).");
        }
        foreach (var (api, a) in options.PerCallApis)
        {
            CheckCluster(failures, $"PerCallApis:{api}:Cluster", a.Cluster);
            CheckNotNegative(failures, $"PerCallApis:{api}:Price", a.Price);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void CheckCluster(List<string> failures, string key, string cluster)
    {
        if (string.IsNullOrWhiteSpace(cluster))
            failures.Add($"{key} is required.");
        else if (!clusterIds.Contains(cluster))
            failures.Add($"{key} names '{cluster}', which is not a cluster in ReverseProxy:Clusters.");
    }

    /// <summary>
    /// A ratio or price past this is a typo, and with token counts it could overflow decimal in the
    /// spend calculation, which must never throw: 1,000,000 × $2 per million is already $2 a token.
    /// </summary>
    public const decimal MaxRatioOrPrice = 1_000_000m;

    private static void CheckNotNegative(List<string> failures, string key, decimal? value)
    {
        if (value < 0)
            failures.Add($"{key} is negative ({value}).");
        else if (value > MaxRatioOrPrice)
            failures.Add($"{key} is larger than {MaxRatioOrPrice:0} ({value}).");
    }
}
