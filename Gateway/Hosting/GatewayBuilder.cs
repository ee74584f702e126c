namespace Gateway.Hosting;

/// <summary>The web application builder with the gateway's configuration sources and content roots.</summary>
internal static class GatewayBuilder
{
    private const string RequestLineCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplicationBuilder Create(string[] args)
    {
        // The page's files sit in wwwroot under the content root; a published build started from another
        // folder finds them beside the binary instead.
        var publishedWebRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // No file watcher on the content root: the database lives there by default and every commit would
            // wake it (5-7 % of CPU under load). Configuration is read at start; restart to change it.
            Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
            WebRootPath = !Directory.Exists("wwwroot") && Directory.Exists(publishedWebRoot) ? publishedWebRoot : null,
        });
        // appsettings.json lives at the repository root and ships beside the binary; read it from there
        // first, so `dotnet run --project Gateway` works from any folder. Later sources still override it.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
            Path = "appsettings.json",
            Optional = true,
            ReloadOnChange = false,
        });
        // ASP.NET's "Request starting …" line carries the raw query, where a Gemini client may put its key
        // (?key=): no secret may reach a log (SPEC §9), so that category is held at Warning whatever the
        // configuration says (a rule added after the configuration's wins for the same category).
        builder.Logging.AddFilter(RequestLineCategory, LogLevel.Warning);
        return builder;
    }
}
