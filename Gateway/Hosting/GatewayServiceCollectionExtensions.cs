using Gateway.Api.Admin;
using Gateway.Api.Shared;
using Gateway.Auth;
using Gateway.Configuration;
using Gateway.Hosting.Jobs;
using Gateway.Proxy;
using Gateway.Upstream;
using Metering.Ledger;
using Metering.Storage;
using Metering.Storage.Sqlite;
using Metering.Storage.Sqlite.Accounts;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>The composition root: the only place that reads raw configuration keys.</summary>
internal static class GatewayServiceCollectionExtensions
{
    public const string ConnectionStringName = "Gateway";
    public const string DefaultConnectionString = "Data Source=gateway.db";

    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddOptions<CatalogOptions>().Bind(configuration).ValidateOnStart();
        // Read when validated, not now: test hosts add their configuration after this runs.
        services.AddSingleton<IValidateOptions<CatalogOptions>>(sp => new CatalogOptionsValidator(
            sp.GetRequiredService<IConfiguration>().GetSection("ReverseProxy:Clusters").GetChildren().Select(c => c.Key)
                .ToHashSet(StringComparer.OrdinalIgnoreCase)));

        services.AddReverseProxy().LoadFromConfig(configuration.GetSection("ReverseProxy"));
        services.AddHttpForwarder();

        services.AddStore();
        services.AddSingleton<AccountStates>();
        services.AddSingleton(sp => new LedgerWriter(sp.GetRequiredService<IWriteStore>()));
        services.AddSingleton<IWriteQueue>(sp => sp.GetRequiredService<LedgerWriter>());
        services.AddSingleton<LedgerAppender>();
        services.AddGatewayJobs();

        services.AddSingleton<AdminGuard>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<PriceCatalog>();
        services.AddSingleton<ClusterDirectory>();
        services.AddSingleton<UpstreamRequestHeaders>();
        services.AddSingleton<ClientAddress>();
        services.AddGatewayCluster();
        services.AddSingleton<UpstreamResilience>();
        Observability.PrometheusExport.Configure();
        services.AddSingleton<Observability.GatewayMetrics>();
        services.AddSingleton(sp => sp.GetRequiredService<LedgerWriter>().Health);
        services.AddSingleton<Proxy.Admission.CallerGate>();
        services.AddSingleton<Proxy.Admission.RequestAdmission>();
        services.AddSingleton<Proxy.Multipart.MultipartAdmission>();
        services.AddSingleton<Proxy.StoredResponses.ResponseOwners>();
        services.AddSingleton<Proxy.StoredResponses.StoredResponseAdmission>();
        services.AddSingleton<Proxy.StoredResponses.ResponseOwnership>();
        services.AddSingleton<Proxy.Forwarding.UpstreamForwarder>();
        services.AddSingleton<Proxy.Finishing.UsageMeter>();
        services.AddSingleton<Proxy.Finishing.RequestFinisher>();
        services.AddSingleton<ProxyPipeline>();
        services.AddSingleton<SystemRowFactory>();
        services.AddGatewayOpenApi();
        services.AddClientCors();

        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        return services;
    }

    /// <summary>
    /// The store behind the seam (<see cref="ILogReader"/>, <see cref="IAccountStore"/>, <see cref="IKeyStore"/>,
    /// <see cref="IStoreEngine"/>, <see cref="IStoreMaintenance"/>, <see cref="IWriteStore"/>), chosen by the
    /// connection string (SPEC §10): <c>Data Source=</c> is SQLite, <c>Host=</c> PostgreSQL.
    /// </summary>
    /// <remarks>The connection string is read when the store is first resolved: test hosts add their configuration after this runs.</remarks>
    private static IServiceCollection AddStore(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            // SPEC §10's start-up rule (limits on a shared store need Redis) before any store is opened: the
            // store is first resolved when the routes are mapped, before options are validated on start.
            _ = sp.GetRequiredService<IOptions<Cluster.ClusterOptions>>().Value;
            var connectionString = StoreConnectionString(sp);
            // The one switch point for a second store (SPEC §10).
            if (IsPostgres(connectionString))
                throw new InvalidOperationException("PostgreSQL store not yet available: ConnectionStrings:Gateway names a Host=; use Data Source=<file> (SQLite).");
            return new SqliteDatabase(connectionString, sp.GetRequiredService<IOptions<GatewayOptions>>().Value.StoreBusyTimeoutMs);
        });
        services.AddSingleton<LogInboxSignal>();
        services.AddSingleton<LogRowInserter>();
        services.AddSingleton<IWriteStore>(sp => new SqliteWriteStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<LogRowInserter>(),
            sp.GetRequiredService<AccountStates>(), sp.GetRequiredService<IOptions<GatewayOptions>>().Value.StoreFsyncEveryCommit));
        services.AddSingleton<LogFileWriter>();
        services.AddSingleton<LogInbox>();
        services.AddSingleton<SqliteStoreMaintenance>();
        services.AddSingleton<IStoreEngine>(sp => sp.GetRequiredService<SqliteStoreMaintenance>());
        services.AddSingleton<IStoreMaintenance>(sp => sp.GetRequiredService<SqliteStoreMaintenance>());
        services.AddSingleton<ILogReader, SqliteLogReader>();
        services.AddSingleton<IAccountStore, SqliteAccountStore>();
        services.AddSingleton<IKeyStore, SqliteKeyStore>();
        return services;
    }

    public static string StoreConnectionString(IServiceProvider services) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName) ?? DefaultConnectionString;

    public static bool IsPostgres(string connectionString) =>
        connectionString.Split(';').Any(part => part.TrimStart().StartsWith("Host=", StringComparison.OrdinalIgnoreCase));

    public static void MapProxyRoutes(this IEndpointRouteBuilder app)
    {
        var pipeline = app.ServiceProvider.GetRequiredService<ProxyPipeline>();
        foreach (var route in ProxyRoute.ModelRoutes.Concat(ProxyRoute.StoredResponseRoutes))
            app.MapMethods(route.Path, [route.Method], context => pipeline.HandleAsync(context, route)).RequireCors(ClientCors.Policy);
        app.Map(ProxyRoute.PerCallPattern, context => pipeline.HandleAsync(context, ProxyRoute.PerCall)).RequireCors(ClientCors.Policy);
    }
}
