using Microsoft.AspNetCore.StaticFiles;

namespace Gateway.Api.Page;

/// <summary>
/// The web page and its files are served with a Content-Security-Policy that allows only the page's own
/// files (no inline script or style, no framing), <c>nosniff</c> and no referrer (SPEC §9): the page
/// holds an admin or API key in session storage, so injected script or a framing site must get nothing.
/// </summary>
internal static class PageSecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Static files (GET / included, rewritten to index.html) with the page's headers.</summary>
    public static StaticFileOptions StaticFileOptions() => new()
    {
        OnPrepareResponse = context => Apply(context.Context.Response.Headers),
    };

    public static void Apply(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }
}
