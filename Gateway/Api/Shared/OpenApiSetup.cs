using Microsoft.OpenApi;

namespace Gateway.Api.Shared;

/// <summary>
/// The OpenAPI document of the operator and query API, served at <c>/openapi/v1.json</c>. Every call
/// takes a bearer key: the admin key for <c>/admin</c>, the admin key or an API key for <c>/logs</c>.
/// </summary>
internal static class OpenApiSetup
{
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
        options.AddOperationTransformer(JsonBodyMetadata.DescribeAsync).AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Gateway operator and query API";
            document.Info.Description =
                "Accounts, keys and model prices (admin key), usage-log rows, stats and exports (admin key: every row; API key: its account's rows). " +
                "Errors are {\"error\":{\"message\",\"type\",\"code\",\"param\"}}; a 400 names the offending parameter in param.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = BearerScheme,
                Description = "Authorization: Bearer <admin key or API key>",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
            return Task.CompletedTask;
        }));
}
