using Gateway.Api.Admin;
using Gateway.Api.Health;
using Gateway.Api.Logs;
using Gateway.Api.Models;
using Gateway.Api.Page;
using Gateway.Api.Shared;
using Gateway.Hosting;
using Gateway.Observability;
using Prometheus;

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
builder.Services.AddGateway(builder.Configuration);

var app = builder.Build();
app.UseDefaultFiles();   // GET / serves wwwroot/index.html, the Usage Logs page
app.UseStaticFiles(PageSecurityHeaders.StaticFileOptions());   // CSP, nosniff, no referrer (SPEC §9)
app.UseMetricsAccess();  // /metrics answers the admin key or Gateway:MetricsKey only (SPEC §9)
app.MapReverseProxy();   // loads the clusters; no routes: the metered endpoints below pick a cluster per model
app.MapHealth();
app.MapProxyRoutes();
app.MapModels();
app.MapAdminApi();
app.MapLogsApi();
app.MapUnknownApiPaths(); // any other /admin or /logs path: a JSON 404
app.MapMetrics();        // Prometheus text format: our meters, the writer's, and the runtime's
app.MapOpenApi();        // /openapi/v1.json
app.Run();

public partial class Program;
