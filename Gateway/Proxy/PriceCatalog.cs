using System.Collections.Frozen;
using Gateway.Configuration;
using Metering.Pricing;
using Microsoft.Extensions.Options;

namespace Gateway.Proxy;

/// <summary>A model the gateway may call: where it goes, under which name, at what price.</summary>
internal sealed record CatalogModel(string Name, string Cluster, string UpstreamName, PriceSheet BasePrice)
{
    public PriceSheet PriceFor(decimal groupRatio) => BasePrice with { GroupRatio = groupRatio };
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
            pair => new CatalogModel(pair.Key, pair.Value.Cluster, pair.Value.UpstreamModel ?? pair.Key, ToPrice(pair.Value)),
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

    private static PriceSheet ToPrice(ModelOptions m) => m.Price is { } price
        ? new PriceSheet(PricePerCall: price)
        : new PriceSheet(
            ModelRatio: m.ModelRatio ?? 1m,
            CompletionRatio: m.CompletionRatio ?? 1m,
            CacheRatio: m.CacheRatio ?? 1m,
            CacheWriteRatio: m.CacheWriteRatio ?? 1.25m);
}
