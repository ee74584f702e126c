using Gateway.Api.Admin;
using Gateway.Api.Health;
using Gateway.Api.Keys;
using Gateway.Api.Logs;
using Gateway.Api.Models;
using Gateway.Api.Page;
using Gateway.Api.Shared;
using Gateway.Hosting;
using Gateway.Observability;
using Prometheus;

var builder = GatewayBuilder.Create(args);   // appsettings.json beside the binary, no config file watcher
builder.Services.AddGateway(builder.Configuration);

var app = builder.Build();
app.UseDefaultFiles();   // GET / serves wwwroot/index.html, the Usage Logs page
app.UseStaticFiles(PageSecurityHeaders.StaticFileOptions());   // CSP, nosniff, no referrer (SPEC §9)
app.UseJsonErrorBodies(); // an error status left without a body gets a JSON one in the route's format
app.UseMetricsAccess();  // /metrics answers the admin key or Gateway:MetricsKey only (SPEC §9)
app.UseCors();           // Gateway:CorsOrigins on the client routes, preflight included (SPEC §12)
app.MapReverseProxy();   // loads the clusters; no routes: the metered endpoints below pick a cluster per model
app.MapHealth();
app.MapProxyRoutes();
app.MapModels();
app.MapOwnKey();      // GET /v1/key: a key holder's own policy and spend (SPEC §13)
app.MapAdminApi();
app.MapLogsApi();
app.MapUnknownApiPaths(); // any other /admin or /logs path: a JSON 404
app.MapMetrics();        // Prometheus text format: our meters, the writer's, and the runtime's
app.MapOpenApi();        // /openapi/v1.json
app.Run();

public partial class Program;
