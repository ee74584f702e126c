using System.Globalization;
using Gateway.Proxy.Admission;
using Gateway.Proxy.Pricing;
using Metering.Logs;

namespace Gateway.Api.Admin;

/// <summary>
/// A model's price as the admin API shows it and a price change's system row records it (SPEC §13): the row's
/// message says what the price became and was, its details hold the model with the old and new prices, so the
/// prices on later rows can be traced back to their change.
/// </summary>
internal static class ModelPriceChange
{
    public const string FromAppsettings = "appsettings";
    public const string FromOverride = "override";

    /// <summary>The model's fields an operator may set, as charged; null for a model not listed.</summary>
    public static ModelPriceDetail? Of(CatalogModel? model)
    {
        if (model is null)
            return null;
        var sheet = model.BasePrice;
        var tokens = sheet.PricePerCall is null && sheet.Unit is null;
        return new ModelPriceDetail(model.Override is null ? FromAppsettings : FromOverride, model.Cluster, tokens ? sheet.ModelRatio : null,
            tokens ? sheet.CompletionRatio : null, tokens ? sheet.CacheRatio : null, tokens ? sheet.CacheWriteRatio : null, sheet.PricePerCall,
            model.Entry.UpstreamModel);
    }

    public static LogRecord Row(LogRecord row, string model, ModelPriceDetail? old, ModelPriceDetail? now)
    {
        var what = now is null ? "no longer listed"
            : now.Source == FromOverride ? $"priced at run time: {Describe(now)}"
            : $"back to appsettings: {Describe(now)}";
        var was = old is null ? "not listed" : $"{old.Source}: {Describe(old)}";
        return row with
        {
            Model = model,
            Message = ClientText.CutChars($"model '{model}' {what} (was {was})", ClientText.MaxMessageChars),
            Details = new LogDetails { Model = model, Old = old, New = now }.ToJson(),
        };
    }

    private static string Describe(ModelPriceDetail p)
    {
        (string Name, object? Value)[] fields = [("cluster", p.Cluster), ("model_ratio", p.ModelRatio), ("completion_ratio", p.CompletionRatio),
            ("cache_ratio", p.CacheRatio), ("cache_write_ratio", p.CacheWriteRatio), ("price", p.Price), ("upstream_model", p.UpstreamModel)];
        return string.Join(", ", fields.Where(f => f.Value is not null).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Name} {f.Value}")));
    }
}
