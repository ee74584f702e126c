using Metering.Usage;

namespace Metering.Pricing;

/// <summary>The SPEC §5 spend formula, in decimal, rounded by <see cref="NanoUsd"/>'s rule to 1e-9 USD.</summary>
public static class SpendCalculator
{
    public static NanoUsd Calculate(TokenUsage usage, PriceSheet price)
    {
        if (price.PricePerCall is { } perCall)
            return NanoUsd.FromUsd(perCall * price.GroupRatio);

        // An upstream that reports more cached than prompt tokens would make this negative; never bill less than zero.
        var plainInput = Math.Max(0, usage.InputTokens - usage.CachedTokens - usage.CacheWriteTokens);
        var weighted = plainInput
                       + usage.CachedTokens * price.CacheRatio
                       + usage.CacheWriteTokens * price.CacheWriteRatio
                       + usage.OutputTokens * price.CompletionRatio;
        return NanoUsd.FromUsd(weighted * price.ModelRatio * price.GroupRatio * PriceSheet.UsdPerMillionAtRatioOne / 1_000_000m);
    }

    /// <summary>A unit-priced call: <c>quantity × unit price × group ratio</c>.</summary>
    public static NanoUsd Calculate(BilledUnits units, PriceSheet price) =>
        NanoUsd.FromUsd(units.Quantity * (price.UnitPrice ?? 0m) * price.GroupRatio);
}
