using Gateway.Configuration;
using Metering.Pricing;
using Metering.Storage;
using Metering.Usage;

namespace Gateway.Proxy.Pricing;

/// <summary>
/// A model the gateway may call: where it goes, under which name, at what price; built from its entry in
/// <c>Models</c>, or from the price an operator set at run time (<see cref="Override"/>), which replaces that entry.
/// </summary>
internal sealed record CatalogModel(string Name, string Cluster, string UpstreamName, PriceSheet BasePrice,
    ImagePriceList? ImagePrices = null)
{
    // Groups are few: the sheets are kept, so a request allocates none (they are immutable records).
    // Keyed by value and scale: a ratio configured as 1.50 is shown as 1.50 in the row's details, not 1.5.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<decimal, PriceSheet> _byGroupRatio =
        new(EqualityComparer<decimal>.Create((a, b) => a == b && a.Scale == b.Scale, d => d.GetHashCode()));

    /// <summary>The entry the model was built from (the configuration's, or the override's fields).</summary>
    public required ModelOptions Entry { get; init; }

    /// <summary>The run-time price in force, or null when the configuration's entry is.</summary>
    public ModelPriceOverride? Override { get; init; }

    public PriceSheet PriceFor(decimal groupRatio) =>
        _byGroupRatio.GetOrAdd(groupRatio, static (ratio, basePrice) => basePrice with { GroupRatio = ratio }, BasePrice);

    public static CatalogModel From(string name, ModelOptions entry, ModelPriceOverride? @override = null) =>
        new(name, entry.Cluster, entry.UpstreamModel ?? name, ToPrice(entry), ImagePriceList.Of(entry)) { Entry = entry, Override = @override };

    /// <summary>A model priced at run time: its override stands for its entry.</summary>
    public static CatalogModel From(ModelPriceOverride price) => From(price.Model, EntryOf(price), price);

    /// <summary>A run-time price as the entry it stands for: the fields an operator may set, the others unset.</summary>
    public static ModelOptions EntryOf(ModelPriceOverride price) => new()
    {
        Cluster = price.Cluster,
        ModelRatio = price.ModelRatio,
        CompletionRatio = price.CompletionRatio,
        CacheRatio = price.CacheRatio,
        CacheWriteRatio = price.CacheWriteRatio,
        Price = price.Price,
        UpstreamModel = price.UpstreamModel,
    };

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
