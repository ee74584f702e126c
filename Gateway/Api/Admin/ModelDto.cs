using Gateway.Configuration;
using Gateway.Proxy.Pricing;
using Metering.Logs;

namespace Gateway.Api.Admin;

/// <summary>
/// A model as <c>GET /admin/models</c> shows it: the price fields in force (ratios with their defaults applied), where
/// they come from (<see cref="Source"/>: <c>appsettings</c>, or <c>override</c> when set at run time, on
/// <see cref="UpdatedAt"/>), the configured entry a <c>DELETE</c> returns to (null: the model exists only at run time),
/// and its prices by another unit than tokens, which only the configuration sets (an override replaces them).
/// </summary>
internal sealed record ModelDto(string Name, string Source, string Cluster, decimal? ModelRatio, decimal? CompletionRatio, decimal? CacheRatio,
    decimal? CacheWriteRatio, decimal? Price, string? UpstreamModel, DateTimeOffset? UpdatedAt, UnitPricesDto? UnitPrices,
    ModelPriceDetail? Appsettings)
{
    public static ModelDto From(CatalogModel model, CatalogModel? configured)
    {
        var p = ModelPriceChange.Of(model)!;
        return new ModelDto(model.Name, p.Source, p.Cluster, p.ModelRatio, p.CompletionRatio, p.CacheRatio, p.CacheWriteRatio, p.Price,
            p.UpstreamModel, model.Override is { } o ? DateTimeOffset.FromUnixTimeMilliseconds(o.ChangedMs) : null, UnitPricesDto.Of(model.Entry),
            ModelPriceChange.Of(configured));
    }
}

/// <summary>USD per image, second, character or search unit, as configured (SPEC §2); null when the model has none.</summary>
internal sealed record UnitPricesDto(decimal? PricePerImage, IReadOnlyDictionary<string, decimal>? ImagePrices, decimal? PricePerSecond,
    decimal? PricePerCharacter, decimal? PricePerSearchUnit)
{
    public static UnitPricesDto? Of(ModelOptions m) =>
        m.PricePerImage is null && m.ImagePrices.Count == 0 && m.PricePerSecond is null && m.PricePerCharacter is null && m.PricePerSearchUnit is null
            ? null
            : new UnitPricesDto(m.PricePerImage, m.ImagePrices.Count == 0 ? null : m.ImagePrices, m.PricePerSecond, m.PricePerCharacter,
                m.PricePerSearchUnit);
}
