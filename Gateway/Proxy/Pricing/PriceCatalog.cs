using System.Collections.Frozen;
using Gateway.Configuration;
using Metering.Storage;
using Microsoft.Extensions.Options;

namespace Gateway.Proxy.Pricing;

/// <summary>
/// Stage 2 of the pipeline: the configured models, groups and per-call APIs, frozen for lookups, with the model
/// prices set at run time (SPEC §13) laid over the models. The models are one immutable snapshot, replaced whole
/// by a single reference write: a request looks its model up once and prices with that one consistent entry,
/// whatever changes while it runs.
/// </summary>
internal sealed class PriceCatalog
{
    public const string DefaultGroup = "default";

    private readonly FrozenDictionary<string, CatalogModel> _configured;
    private readonly FrozenDictionary<string, GroupOptions> _groups;
    private readonly FrozenDictionary<string, PerCallApiOptions> _perCallApis;
    private volatile FrozenDictionary<string, CatalogModel> _models;

    public PriceCatalog(IOptions<CatalogOptions> options)
    {
        var catalog = options.Value;
        _configured = catalog.Models.ToFrozenDictionary(pair => pair.Key, pair => CatalogModel.From(pair.Key, pair.Value), StringComparer.Ordinal);
        _models = _configured;
        var groups = new Dictionary<string, GroupOptions>(catalog.Groups, StringComparer.Ordinal);
        groups.TryAdd(DefaultGroup, new GroupOptions());
        _groups = groups.ToFrozenDictionary(StringComparer.Ordinal);
        _perCallApis = catalog.PerCallApis.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every model as it is priced now: the configuration's, or its run-time price.</summary>
    public IEnumerable<CatalogModel> Models => _models.Values;

    public bool TryGetModel(string name, out CatalogModel model) => _models.TryGetValue(name, out model!);

    /// <summary>The model as <c>appsettings.json</c> (and the environment) configure it, whatever is set at run time.</summary>
    public CatalogModel? Configured(string name) => _configured.GetValueOrDefault(name);

    public bool GroupExists(string group) => _groups.ContainsKey(group);

    public GroupOptions Group(string group) => _groups.GetValueOrDefault(group) ?? _groups[DefaultGroup];

    public bool TryGetPerCallApi(string name, out PerCallApiOptions api) => _perCallApis.TryGetValue(name, out api!);

    /// <summary>
    /// The run-time prices now in force, each replacing its model's configured entry (or adding a model): a new
    /// snapshot, swapped in whole. Models without one keep their configured entry (and its cached sheets).
    /// </summary>
    public void Apply(IReadOnlyList<ModelPriceOverride> overrides)
    {
        var models = new Dictionary<string, CatalogModel>(_configured, StringComparer.Ordinal);
        foreach (var price in overrides)
            models[price.Model] = CatalogModel.From(price);
        _models = models.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
