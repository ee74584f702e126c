using System.Text.Json;
using Metering.Pricing;
using Metering.Usage;
using Gateway.Proxy.Pricing;

namespace Gateway.Proxy.Admission;

/// <summary>
/// Stage 3, for each kind of endpoint: the price of this call under the model's one way of pricing, and
/// the units it asks for. A model whose pricing does not fit the endpoint (a chat model's token ratios on
/// speech, a per-second model on chat) is refused as not found: it is never forwarded to be billed wrongly.
/// </summary>
internal static class EndpointPricing
{
    /// <summary>OpenAI's defaults when a client leaves them out.</summary>
    public const string DefaultImageSize = "1024x1024";
    public const string DefaultImageQuality = "standard";

    /// <summary>OpenAI accepts 1 to 10 images per call.</summary>
    public const int MaxImages = 10;

    /// <returns>The refusal, or null with the price (and any requested units) set on <paramref name="admitted"/>.</returns>
    public static Refusal? Price(EndpointKind kind, CatalogModel model, AdmittedRequest admitted, ReadOnlySpan<byte> body)
    {
        if (kind == EndpointKind.CountTokens)
            return Price(kind, model, admitted, fields: null);
        try
        {
            return Price(kind, model, admitted, EndpointFields.Read(body));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Refusal.Malformed("The request body holds text that is not valid UTF-8 or UTF-16.");
        }
    }

    /// <param name="fields">The pricing fields of the request (of a JSON body, or a multipart form's text fields).</param>
    public static Refusal? Price(EndpointKind kind, CatalogModel model, AdmittedRequest admitted, EndpointFields? fields)
    {
        var groupRatio = admitted.Group!.Ratio;
        var basePrice = model.BasePrice;
        var perCall = basePrice.PricePerCall is not null;
        var unit = basePrice.Unit;
        if (kind == EndpointKind.CountTokens)
        {
            // Counting tokens is free at every provider that offers it: the row shows a price of 0.
            admitted.Price = PriceSheet.PerCall(0m, groupRatio);
            return null;
        }
        fields ??= EndpointFields.None;
        admitted.Price = model.PriceFor(groupRatio);
        switch (kind)
        {
            case EndpointKind.Images when model.ImagePrices is { } images:
                if (fields.N is < 1 or > MaxImages)
                    return Refusal.Malformed($"'n' must be between 1 and {MaxImages}.");
                var (size, quality) = (fields.Size ?? DefaultImageSize, fields.Quality ?? DefaultImageQuality);
                if (images.For(size, quality) is not { } perImage)
                    return Refusal.Malformed($"The model '{model.Name}' has no price for {quality} images of size '{size}'.");
                admitted.Price = PriceSheet.PerUnit(perImage, BilledUnits.Image, groupRatio);
                admitted.Units = new BilledUnits(BilledUnits.Image, fields.N ?? 1);
                return null;
            case EndpointKind.Speech when unit == BilledUnits.Character:
                admitted.Units = new BilledUnits(BilledUnits.Character, fields.InputCharacters);
                return null;
            case EndpointKind.Rerank when unit == BilledUnits.SearchUnit:
                // Cohere's rule, used when the upstream reports no units: one unit per query and 100 documents.
                admitted.Units = new BilledUnits(BilledUnits.SearchUnit, Math.Max(1, (fields.Documents + 99) / 100));
                return null;
            case EndpointKind.AudioInput when BilledOnReportedUsage(basePrice):
                // Billed on what the upstream reports: seconds, or tokens. A plain-text or subtitle answer
                // reports neither, and serving it would bill nothing.
                return UnbillableAudioFormat(model, fields.ResponseFormat);
            case EndpointKind.Speech:
                return perCall ? null : NotPricedHere(model, "PricePerCharacter or Price");
            case EndpointKind.Tokens or EndpointKind.Images or EndpointKind.Rerank or EndpointKind.AudioInput:
                // Token ratios or a per-call price fit these; another unit does not.
                return unit is null ? null : NotPricedHere(model, "token ratios or Price");
            default:
                return NotPricedHere(model, "a price");
        }
    }

    /// <summary>Answer formats that carry no usage (OpenAI's audio API: <c>text</c>, <c>srt</c>, <c>vtt</c>).</summary>
    private static readonly string[] FormatsWithoutUsage = ["text", "srt", "vtt"];

    /// <summary>
    /// For a multipart form, the check of a field that came after the file, once it passes (the upload is then
    /// already on its way upstream, and is cut).
    /// </summary>
    public static Refusal? AfterTheFiles(EndpointKind kind, CatalogModel model, string? responseFormat) =>
        kind == EndpointKind.AudioInput && BilledOnReportedUsage(model.BasePrice) ? UnbillableAudioFormat(model, responseFormat) : null;

    private static bool BilledOnReportedUsage(PriceSheet price) =>
        price.Unit == BilledUnits.Second || (price.Unit is null && price.PricePerCall is null);

    /// <returns>The refusal of an audio answer format that would carry no usage for a model billed on usage, or null.</returns>
    private static Refusal? UnbillableAudioFormat(CatalogModel model, string? responseFormat) =>
        responseFormat is not null && FormatsWithoutUsage.Contains(responseFormat)
            ? Refusal.Malformed($"'response_format' '{responseFormat}' is not available for the model '{model.Name}': its answer carries no "
                + "usage, and the model is billed on the usage the provider reports. Ask for 'json' or 'verbose_json'.")
            : null;

    private static Refusal NotPricedHere(CatalogModel model, string needs) =>
        new(404, "model_not_found", $"The model '{model.Name}' is not available on this endpoint (its price needs {needs}).");
}
