using System.Collections.Frozen;
using Gateway.Configuration;

namespace Gateway.Proxy.Pricing;

/// <summary>
/// A model's prices per image, as providers list them: by quality and size (DALL·E 3: standard or hd,
/// 1024x1024 or 1792x1024), by size alone (DALL·E 2), or one price for any image.
/// </summary>
internal sealed class ImagePriceList(FrozenDictionary<string, decimal> bySizeOrQualitySize, decimal? anyImage)
{
    public static ImagePriceList? Of(ModelOptions options) =>
        options.PricePerImage is null && options.ImagePrices.Count == 0
            ? null
            : new ImagePriceList(options.ImagePrices.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), options.PricePerImage);

    /// <returns>USD per image for this size and quality (the most specific price listed), or null when none is.</returns>
    public decimal? For(string? size, string? quality)
    {
        if (size is not null && quality is not null && bySizeOrQualitySize.TryGetValue($"{quality}-{size}", out var exact))
            return exact;
        if (size is not null && bySizeOrQualitySize.TryGetValue(size, out var bySize))
            return bySize;
        return anyImage;
    }
}
