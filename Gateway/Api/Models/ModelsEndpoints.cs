using Gateway.Api.Shared;
using Gateway.Auth;
using Gateway.Proxy;
using Gateway.Proxy.Admission;
using Gateway.Proxy.Forwarding;
using Gateway.Upstream;
using Gateway.Proxy.Admission;
using Gateway.Proxy.Pricing;

namespace Gateway.Api.Models;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the models a key may call, in the OpenAI shape, or in
/// Anthropic's when the client sends <c>anthropic-version</c> (every Anthropic SDK does; no OpenAI SDK does).
/// A key with a model list (SPEC §13) sees only those; an expired key, or one used from outside its IP
/// allow-list, is refused as a call would be (no row: listing models is not metered).
/// </summary>
internal static class ModelsEndpoints
{
    public static void MapModels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", async (HttpContext context, CallerGate gate, PriceCatalog catalog, ClusterDirectory clusters) =>
        {
            if (await AuthenticatedAsync(context, gate) is not { } policy)
                return;
            var models = Callable(catalog, clusters).Where(m => policy.AllowsModel(m.Name)).OrderBy(m => m.Name, StringComparer.Ordinal).ToArray();
            await context.Response.WriteAsJsonAsync(SpeaksAnthropic(context.Request) ? AnthropicModelList.Of(models) : OpenAIModelList.Of(models));
        }).RequireCors(ClientCors.Policy);

        app.MapGet("/v1/models/{**id}", async (HttpContext context, string id, CallerGate gate, PriceCatalog catalog, ClusterDirectory clusters) =>
        {
            if (await AuthenticatedAsync(context, gate) is not { } policy)
                return;
            // Not listed, its cluster is gone, or the key may not call it: the 404 of SPEC §12, never a 403.
            if (!policy.AllowsModel(id) || !catalog.TryGetModel(id, out var model) || clusters.Resolve(model.Cluster) is null)
            {
                await WireErrors.WriteAsync(context, ClientDialect.OpenAI, Refusal.ModelNotFound(ClientText.CutUtf8(id, ClientText.MaxModelBytes)));
                return;
            }
            await context.Response.WriteAsJsonAsync(SpeaksAnthropic(context.Request) ? AnthropicModelList.Item(model) : OpenAIModelList.Item(model));
        }).RequireCors(ClientCors.Policy);
    }

    private static bool SpeaksAnthropic(HttpRequest request) => request.Headers.ContainsKey(UpstreamTransformer.AnthropicVersionHeader);

    /// <returns>The key's policy, or null once the refusal is written.</returns>
    private static async Task<KeyPolicy?> AuthenticatedAsync(HttpContext context, CallerGate gate)
    {
        var (caller, refusal) = await gate.IdentifyUnmeteredAsync(context);
        if (refusal is null)
            return caller!.Policy;
        await WireErrors.WriteAsync(context, SpeaksAnthropic(context.Request) ? ClientDialect.Anthropic : ClientDialect.OpenAI, refusal);
        return null;
    }

    /// <summary>A model whose cluster is not configured cannot be called: it is not listed either.</summary>
    private static IEnumerable<CatalogModel> Callable(PriceCatalog catalog, ClusterDirectory clusters) =>
        catalog.Models.Where(m => clusters.Resolve(m.Cluster) is not null);
}
