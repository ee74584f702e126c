using System.Collections.Frozen;
using Gateway.Configuration;
using Metering.Pricing;
using Metering.Usage;
using Microsoft.Extensions.Options;

namespace Gateway.Proxy.Pricing;

/// <summary>A model the gateway may call: where it goes, under which name, at what price.</summary>
internal sealed record CatalogModel(string Name, string Cluster, string UpstreamName, PriceSheet BasePrice,
    ImagePriceList? ImagePrices = null)
{
    // Groups are few: the sheets are kept, so a request allocates none (they are immutable records).
    // Keyed by value and scale: a ratio configured as 1.50 is shown as 1.50 in the row's details, not 1.5.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<decimal, PriceSheet> _byGroupRatio =
        new(EqualityComparer<decimal>.Create((a, b) => a == b && a.Scale == b.Scale, d => d.GetHashCode()));

    public PriceSheet PriceFor(decimal groupRatio) =>
        _byGroupRatio.GetOrAdd(groupRatio, static (ratio, basePrice) => basePrice with { GroupRatio = ratio }, BasePrice);
}

/// <summary>Stage 2 of the pipeline: the configured models, groups and per-call APIs, frozen for lookups.</summary>
internal sealed class PriceCatalog
{
    public const string DefaultGroup = "default";

    private readonly FrozenDictionary<string, CatalogModel> _models;
    private readonly FrozenDictionary<string, GroupOptions> _groups;
    private readonly FrozenDictionary<string, PerCallApiOptions> _perCallApis;

    public PriceCatalog(IOptions<CatalogOptions> options)
    {
        var catalog = options.Value;
        _models = catalog.Models.ToFrozenDictionary(
            pair => pair.Key,
            pair => new CatalogModel(pair.Key, pair.Value.Cluster, pair.Value.UpstreamModel ?? pair.Key, ToPrice(pair.Value), ImagePriceList.Of(pair.Value)),
            StringComparer.Ordinal);
        var groups = new Dictionary<string, GroupOptions>(catalog.Groups, StringComparer.Ordinal);
        groups.TryAdd(DefaultGroup, new GroupOptions());
        _groups = groups.ToFrozenDictionary(StringComparer.Ordinal);
        _perCallApis = catalog.PerCallApis.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<CatalogModel> Models => _models.Values;

    public bool TryGetModel(string name, out CatalogModel model) => _models.TryGetValue(name, out model!);

    public bool GroupExists(string group) => _groups.ContainsKey(group);

    public GroupOptions Group(string group) => _groups.GetValueOrDefault(group) ?? _groups[DefaultGroup];

    public bool TryGetPerCallApi(string name, out PerCallApiOptions api) => _perCallApis.TryGetValue(name, out api!);

    /// <summary>A model's one way of pricing (the validator allows no second): per call, per unit, or by token ratios.</summary>
    private static PriceSheet ToPrice(ModelOptions m) =>
        m.Price is { } price ? new PriceSheet(PricePerCall: price)
        : m.PricePerSecond is { } second ? PriceSheet.PerUnit(second, BilledUnits.Second, 1m)
        : m.PricePerCharacter is { } character ? PriceSheet.PerUnit(character, BilledUnits.Character, 1m)
        : m.PricePerSearchUnit is { } search ? PriceSheet.PerUnit(search, BilledUnits.SearchUnit, 1m)
        : m.PricePerImage is not null || m.ImagePrices.Count > 0 ? new PriceSheet(Unit: BilledUnits.Image) // the price depends on size and quality
        : new PriceSheet(
            ModelRatio: m.ModelRatio ?? 1m,
            CompletionRatio: m.CompletionRatio ?? 1m,
            CacheRatio: m.CacheRatio ?? 1m,
            CacheWriteRatio: m.CacheWriteRatio ?? 1.25m);
}
