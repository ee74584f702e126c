using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Api.Shared;

/// <summary>
/// The net under every route: an error status left without a body (a query parameter the framework
/// could not bind, a method a path does not take) becomes a JSON error in the route's wire format, so a
/// client's SDK always has a message to show. Routes that write their own error are untouched.
/// </summary>
internal static class JsonErrorBodies
{
    public static IApplicationBuilder UseJsonErrorBodies(this IApplicationBuilder app) => app.UseStatusCodePages(async context =>
    {
        var response = context.HttpContext.Response;
        var status = response.StatusCode;
        var message = status switch
        {
            400 => "The request is malformed: a parameter or the body could not be read.",
            404 => "Not found.",
            405 => $"Method {context.HttpContext.Request.Method} is not allowed on this path.",
            _ => ReasonPhrases.GetReasonPhrase(status),
        };
        var type = status switch { 400 or 405 => "invalid_request_error", 404 => "not_found", _ => "api_error" };
        var path = context.HttpContext.Request.Path;
        if (path.StartsWithSegments(UnknownPathEndpoints.GoogleRoutes))
        {
            response.ContentType = "application/json";
            await response.Body.WriteAsync(Proxy.WireErrors.Body(Proxy.ClientDialect.Gemini, status, type, message));
            return;
        }
        object body = path.StartsWithSegments("/v1/messages")
            ? new { type = "error", error = new { type, message } }
            : new { error = new { message, type, code = type, param = (string?)null } };
        await response.WriteAsJsonAsync(body);
    });
}
