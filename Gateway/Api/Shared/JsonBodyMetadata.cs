using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Gateway.Proxy.Admission;

namespace Gateway.Api.Shared;

/// <summary>
/// Documents an operator call's JSON body for OpenAPI without <c>Accepts</c>: its content-type metadata
/// would make routing skip the endpoint for any other content type, so a form post fell through to the
/// unknown-path 404 instead of <see cref="JsonBody"/>'s 400 naming the body.
/// </summary>
internal sealed record JsonBodyMetadata(Type BodyType)
{
    public const string ContentType = "application/json";

    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBodyMetadata>().FirstOrDefault() is not { } body)
            return;
        var schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { [ContentType] = new() { Schema = schema } },
        };
    }
}

internal static class JsonBodyMetadataExtensions
{
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new JsonBodyMetadata(typeof(T)));
}
