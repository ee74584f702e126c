namespace Metering.Pricing;

/// <summary>
/// Everything that prices one request: the model's ratios (or its per-call price) and the caller's
/// group ratio. Ratio 1 means $2 per million input tokens (SPEC §5). Or, for what a provider bills by
/// another unit (images, audio seconds, characters, search units), USD per <see cref="Unit"/>.
/// </summary>
public sealed record PriceSheet(
    decimal ModelRatio = 1m,
    decimal CompletionRatio = 1m,
    decimal CacheRatio = 1m,
    decimal CacheWriteRatio = 1.25m,
    decimal GroupRatio = 1m,
    decimal? PricePerCall = null,
    decimal? UnitPrice = null,
    string? Unit = null)
{
    /// <summary>USD per million input tokens at ratio 1.</summary>
    public const decimal UsdPerMillionAtRatioOne = 2m;

    public decimal InputPricePer1M => UsdPerMillionAtRatioOne * ModelRatio * GroupRatio;

    public decimal OutputPricePer1M => InputPricePer1M * CompletionRatio;

    public static PriceSheet PerCall(decimal price, decimal groupRatio) => new(GroupRatio: groupRatio, PricePerCall: price);

    public static PriceSheet PerUnit(decimal price, string unit, decimal groupRatio) => new(GroupRatio: groupRatio, UnitPrice: price, Unit: unit);
}
