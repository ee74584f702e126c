using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Stops start-up on a catalog that would misprice or misroute, naming the offending key.</summary>
internal sealed class CatalogOptionsValidator(IReadOnlySet<string> clusterIds) : IValidateOptions<CatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, CatalogOptions options)
    {
        var failures = new List<string>();
        foreach (var (model, m) in options.Models)
            failures.AddRange(CheckModel(m).Select(f => f.ForKey($"Models:{model}")));
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

    /// <summary>
    /// A model's entry, by the rules start-up applies to <c>Models:&lt;model&gt;</c>: also those of a price set at run
    /// time (<c>PUT /admin/models/{name}</c>), so both are held to the same rules.
    /// </summary>
    public IEnumerable<ModelOptionsFailure> CheckModel(ModelOptions m)
    {
        if (ClusterProblem(m.Cluster) is { } cluster) yield return new(nameof(m.Cluster), cluster);
        (string Property, decimal? Value)[] amounts =
        [
            (nameof(m.ModelRatio), m.ModelRatio), (nameof(m.CompletionRatio), m.CompletionRatio), (nameof(m.CacheRatio), m.CacheRatio),
            (nameof(m.CacheWriteRatio), m.CacheWriteRatio), (nameof(m.Price), m.Price), (nameof(m.PricePerImage), m.PricePerImage),
            (nameof(m.PricePerSecond), m.PricePerSecond), (nameof(m.PricePerCharacter), m.PricePerCharacter),
            (nameof(m.PricePerSearchUnit), m.PricePerSearchUnit),
            .. m.ImagePrices.Select(p => ($"{nameof(m.ImagePrices)}:{p.Key}", (decimal?)p.Value)),
        ];
        foreach (var (property, value) in amounts)
            if (AmountProblem(value) is { } problem)
                yield return new(property, problem);
        var ratios = (m.ModelRatio ?? m.CompletionRatio ?? m.CacheRatio ?? m.CacheWriteRatio) is not null;
        var images = m.PricePerImage is not null || m.ImagePrices.Count > 0;
        (bool Set, string Name, string Property)[] ways = [(m.Price is not null, "Price", nameof(m.Price)), (ratios, "ratios", nameof(m.ModelRatio)),
            (images, "PricePerImage/ImagePrices", nameof(m.PricePerImage)), (m.PricePerSecond is not null, "PricePerSecond", nameof(m.PricePerSecond)),
            (m.PricePerCharacter is not null, "PricePerCharacter", nameof(m.PricePerCharacter)),
            (m.PricePerSearchUnit is not null, "PricePerSearchUnit", nameof(m.PricePerSearchUnit))];
        if (ways.Where(w => w.Set).ToArray() is { Length: > 1 } set)
            yield return new(set[0].Property, $"sets both {set[0].Name} and {set[1].Name}; a model is priced one way "
                + "(per call, per token, per image, per second, per character or per search unit).", WholeEntry: true);
    }

    private void CheckCluster(List<string> failures, string key, string cluster)
    {
        if (ClusterProblem(cluster) is { } problem)
            failures.Add($"{key} {problem}");
    }

    private string? ClusterProblem(string cluster) =>
        string.IsNullOrWhiteSpace(cluster) ? "is required."
        : !clusterIds.Contains(cluster) ? $"names '{cluster}', which is not a cluster in ReverseProxy:Clusters."
        : null;

    /// <summary>
    /// A ratio or price past this is a typo, and with token counts it could overflow decimal in the
    /// spend calculation, which must never throw: 1,000,000 × $2 per million is already $2 a token.
    /// </summary>
    public const decimal MaxRatioOrPrice = 1_000_000m;

    private static void CheckNotNegative(List<string> failures, string key, decimal? value)
    {
        if (AmountProblem(value) is { } problem)
            failures.Add($"{key} {problem}");
    }

    private static string? AmountProblem(decimal? value) =>
        value < 0 ? $"is negative ({value})."
        : value > MaxRatioOrPrice ? $"is larger than {MaxRatioOrPrice:0} ({value})."
        : null;
}
