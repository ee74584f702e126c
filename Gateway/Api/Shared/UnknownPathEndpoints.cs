namespace Gateway.Api.Shared;

/// <summary>
/// Any other path or method under <c>/v1</c>, <c>/v1beta</c> (Google's shape), <c>/admin</c> and <c>/logs</c> is a JSON 404 in the error shape the
/// API answers with (SPEC §12), never an empty body. Catch-all routes rank below every real one.
/// The path is not echoed: it is client text and may hold anything, a pasted key included.
/// </summary>
internal static class UnknownPathEndpoints
{
    public static readonly string[] Prefixes = [ClientRoutes, "/admin", "/logs"];

    private const string ClientRoutes = "/v1";

    /// <summary>Google's API: its unknown paths answer in Google's error shape.</summary>
    public const string GoogleRoutes = "/v1beta";

    public static void MapUnknownApiPaths(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in Prefixes)
        {
            var endpoint = app.Map(prefix + "/{**rest}", () =>
                    ApiErrors.Error(404, "not_found", $"No {prefix} endpoint answers this method and path."))
                .ExcludeFromDescription();
            // A browser client's mistake must be readable by it: the 404 carries the CORS answer too.
            if (prefix == ClientRoutes)
                endpoint.RequireCors(ClientCors.Policy);
        }
        app.Map(GoogleRoutes + "/{**rest}", context => Proxy.WireErrors.WriteAsync(context, Proxy.ClientDialect.Gemini,
                new Proxy.Refusal(404, "not_found", $"No {GoogleRoutes} endpoint answers this method and path.")))
            .ExcludeFromDescription().RequireCors(ClientCors.Policy);
    }
}
