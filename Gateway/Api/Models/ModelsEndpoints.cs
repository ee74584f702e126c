using Gateway.Api.Shared;
using Gateway.Auth;
using Gateway.Proxy;
using Gateway.Proxy.Forwarding;
using Gateway.Upstream;
using Gateway.Proxy.Admission;
using Gateway.Proxy.Pricing;

namespace Gateway.Api.Models;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the models a key may call, in the OpenAI shape, or in
/// Anthropic's when the client sends <c>anthropic-version</c> (every Anthropic SDK does; no OpenAI SDK does).
/// </summary>
internal static class ModelsEndpoints
{
    public static void MapModels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", async (HttpContext context, ApiKeyAuthenticator authenticator, PriceCatalog catalog, ClusterDirectory clusters) =>
        {
            if (!await AuthenticatedAsync(context, authenticator))
                return;
            var models = Callable(catalog, clusters).OrderBy(m => m.Name, StringComparer.Ordinal).ToArray();
            await context.Response.WriteAsJsonAsync(SpeaksAnthropic(context.Request) ? AnthropicModelList.Of(models) : OpenAIModelList.Of(models));
        }).RequireCors(ClientCors.Policy);

        app.MapGet("/v1/models/{**id}", async (HttpContext context, string id, ApiKeyAuthenticator authenticator, PriceCatalog catalog, ClusterDirectory clusters) =>
        {
            if (!await AuthenticatedAsync(context, authenticator))
                return;
            // Not listed, or its cluster is gone: the same 404 a call with it gets (SPEC §12), never a 403.
            if (!catalog.TryGetModel(id, out var model) || clusters.Resolve(model.Cluster) is null)
            {
                await WireErrors.WriteAsync(context, ClientDialect.OpenAI, Refusal.ModelNotFound(ClientText.CutUtf8(id, ClientText.MaxModelBytes)));
                return;
            }
            await context.Response.WriteAsJsonAsync(SpeaksAnthropic(context.Request) ? AnthropicModelList.Item(model) : OpenAIModelList.Item(model));
        }).RequireCors(ClientCors.Policy);
    }

    private static bool SpeaksAnthropic(HttpRequest request) => request.Headers.ContainsKey(UpstreamTransformer.AnthropicVersionHeader);

    private static async Task<bool> AuthenticatedAsync(HttpContext context, ApiKeyAuthenticator authenticator)
    {
        if (await authenticator.AuthenticateAsync(Credentials.Read(context.Request)) is not null)
            return true;
        await WireErrors.WriteAsync(context, SpeaksAnthropic(context.Request) ? ClientDialect.Anthropic : ClientDialect.OpenAI, Refusal.MissingKey());
        return false;
    }

    /// <summary>A model whose cluster is not configured cannot be called: it is not listed either.</summary>
    private static IEnumerable<CatalogModel> Callable(PriceCatalog catalog, ClusterDirectory clusters) =>
        catalog.Models.Where(m => clusters.Resolve(m.Cluster) is not null);
}
