// A bare YARP pass-through: routes and clusters come from configuration (bench/run passes them as
// command-line arguments), nothing else runs in the request path.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

var app = builder.Build();
app.MapReverseProxy();
app.Run();
