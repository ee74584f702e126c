using Gateway.Api.Shared;
using Gateway.Auth;
using Gateway.Proxy;

namespace Gateway.Api.Models;

/// <summary><c>GET /v1/models</c> in the OpenAI list shape: the models a key may call.</summary>
internal static class ModelsEndpoints
{
    public static void MapModels(this IEndpointRouteBuilder app) => app.MapGet("/v1/models", async (HttpContext context, ApiKeyAuthenticator authenticator, PriceCatalog catalog) =>
    {
        if (await authenticator.AuthenticateAsync(Credentials.Read(context.Request)) is null)
        {
            await WireErrors.WriteAsync(context, ClientDialect.OpenAI, Refusal.MissingKey());
            return;
        }
        var data = catalog.Models.OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => new { id = m.Name, @object = "model", created = 0, owned_by = m.Cluster });
        await context.Response.WriteAsJsonAsync(new { @object = "list", data });
    }).RequireCors(ClientCors.Policy);
}
