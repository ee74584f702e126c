using Gateway.Proxy;
using Gateway.Proxy.Pricing;

namespace Gateway.Api.Models;

/// <summary>
/// Anthropic's model object and list (<c>GET /v1/models</c>): <c>{"data":[{"type":"model","id","display_name",
/// "created_at"}],"has_more","first_id","last_id"}</c>. The catalog has no release dates: <c>created_at</c> is the
/// Unix epoch, which the SDKs parse as a date like any other. Every model fits one page.
/// </summary>
internal static class AnthropicModelList
{
    private const string UnknownCreation = "1970-01-01T00:00:00Z";

    public static object Item(CatalogModel model) => new { type = "model", id = model.Name, display_name = model.Name, created_at = UnknownCreation };

    public static object Of(IReadOnlyList<CatalogModel> models) => new
    {
        data = models.Select(Item),
        has_more = false,
        first_id = models.Count > 0 ? models[0].Name : null,
        last_id = models.Count > 0 ? models[^1].Name : null,
    };
}
