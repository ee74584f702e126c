using Gateway.Proxy;
using Gateway.Proxy.Pricing;

namespace Gateway.Api.Models;

/// <summary>OpenAI's model object and list: <c>{"object":"list","data":[{"id","object":"model","created","owned_by"}]}</c>.</summary>
internal static class OpenAIModelList
{
    public static object Item(CatalogModel model) => new { id = model.Name, @object = "model", created = 0, owned_by = model.Cluster };

    public static object Of(IEnumerable<CatalogModel> models) => new { @object = "list", data = models.Select(Item) };
}
