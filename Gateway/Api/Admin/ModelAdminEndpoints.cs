using System.Text.Json;
using Gateway.Api.Shared;
using Gateway.Cluster.ChangeFeed;
using Gateway.Configuration;
using Gateway.Proxy.Admission;
using Gateway.Proxy.Pricing;
using Metering.Storage;

namespace Gateway.Api.Admin;

/// <summary>
/// Prices at run time (SPEC §13): list every model with the prices in force, set a model's price (the fields of
/// <c>Models:&lt;model&gt;</c>, held to the rules start-up applies to them), and remove it again. Each change is stored
/// with its system row in one commit, applied here before the answer, and announced on the change feed, so every
/// other instance applies it within 2 seconds (or at its next poll, should the message be lost).
/// </summary>
internal static class ModelAdminEndpoints
{
    internal sealed record PutModelBody(string? Cluster, decimal? ModelRatio, decimal? CompletionRatio, decimal? CacheRatio,
        decimal? CacheWriteRatio, decimal? Price, string? UpstreamModel);

    public static void MapModelPrices(this RouteGroupBuilder admin)
    {
        admin.MapGet("/models", ListModels).Produces<ModelDto[]>();
        // Model names may hold slashes (meta-llama/Llama-3-8b): the rest of the path is the name.
        admin.MapGet("/models/{**name}", GetModel).Produces<ModelDto>();
        admin.MapPut("/models/{**name}", PutModel).AcceptsJson<PutModelBody>().Produces<ModelDto>();
        admin.MapDelete("/models/{**name}", DeleteModel).Produces(204);
    }

    private static IResult ListModels(PriceCatalog catalog) =>
        Results.Ok(catalog.Models.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => ModelDto.From(m, catalog.Configured(m.Name))));

    private static IResult GetModel(string name, PriceCatalog catalog) =>
        catalog.TryGetModel(name, out var model) ? Results.Ok(ModelDto.From(model, catalog.Configured(name))) : NotListed(name);

    private static async Task<IResult> PutModel(string name, HttpContext context, PriceCatalog catalog, CatalogOptionsValidator rules,
        IModelPriceStore prices, PriceOverrideLoader loader, SystemRowFactory rows, ChangePublisher changes, TimeProvider clock)
    {
        if (AdminInput.Name("name", name, required: true) is { } badName) return badName;
        var (body, error) = await JsonBody.ReadAsync<PutModelBody>(context);
        if (error is not null) return error;
        if (AdminInput.Name("cluster", body!.Cluster, required: true) is { } badCluster) return badCluster;
        if (AdminInput.Name("upstream_model", body.UpstreamModel, required: false) is { } badUpstream) return badUpstream;
        var price = new ModelPriceOverride(name, body.Cluster!, body.ModelRatio, body.CompletionRatio, body.CacheRatio, body.CacheWriteRatio,
            body.Price, body.UpstreamModel, clock.GetUtcNow().ToUnixTimeMilliseconds());
        foreach (var failure in rules.CheckModel(CatalogModel.EntryOf(price)))
            return ApiErrors.BadRequest(JsonNamingPolicy.SnakeCaseLower.ConvertName(failure.Property), failure.Problem);

        var row = rows.Create(context, 200, "");
        var now = ModelPriceChange.Of(CatalogModel.From(price));
        await prices.PutAsync(price, replaced => ModelPriceChange.Row(row, name,
            ModelPriceChange.Of(replaced is null ? catalog.Configured(name) : CatalogModel.From(replaced)), now));
        await AppliedEverywhereAsync(loader, changes);
        return GetModel(name, catalog);
    }

    private static async Task<IResult> DeleteModel(string name, HttpContext context, PriceCatalog catalog, IModelPriceStore prices,
        PriceOverrideLoader loader, SystemRowFactory rows, ChangePublisher changes)
    {
        var row = rows.Create(context, 204, "");
        var configured = ModelPriceChange.Of(catalog.Configured(name));
        var removed = await prices.DeleteAsync(name, gone => ModelPriceChange.Row(row, name,
            ModelPriceChange.Of(CatalogModel.From(gone)), configured));
        if (removed is null)
            return ApiErrors.NotFound($"run-time price of model '{ClientText.CutChars(name, ClientText.MaxEchoChars)}'");
        await AppliedEverywhereAsync(loader, changes);
        return Results.NoContent();
    }

    /// <summary>Here before the answer (the next request is priced by it); elsewhere by the feed, or their next poll.</summary>
    private static async Task AppliedEverywhereAsync(PriceOverrideLoader loader, ChangePublisher changes)
    {
        await loader.ReloadAsync();
        await changes.PublishAsync(ChangeNotice.PricesChanged());
    }

    private static IResult NotListed(string name) => ApiErrors.NotFound($"model '{ClientText.CutChars(name, ClientText.MaxEchoChars)}'");
}
