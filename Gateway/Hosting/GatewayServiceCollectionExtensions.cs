using Gateway.Api.Admin;
using Gateway.Api.Shared;
using Gateway.Auth;
using Gateway.Configuration;
using Gateway.Hosting.Jobs;
using Gateway.Proxy;
using Gateway.Upstream;
using Metering.Ledger;
using Metering.Storage;
using Microsoft.Extensions.Options;
using Gateway.Proxy.Admission;
using Gateway.Proxy.Pricing;

namespace Gateway.Hosting;

/// <summary>The composition root: the only place that reads raw configuration keys.</summary>
internal static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddOptions<CatalogOptions>().Bind(configuration).ValidateOnStart();
        services.AddOptions<DestinationMetadataOptions>().BindConfiguration(DestinationMetadataOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DestinationMetadataOptions>, DestinationMetadataValidator>();
        // Read when validated, not now: test hosts add their configuration after this runs.
        // The same rules hold a price set at run time (PUT /admin/models/{name}).
        services.AddSingleton(sp => new CatalogOptionsValidator(
            sp.GetRequiredService<IConfiguration>().GetSection("ReverseProxy:Clusters").GetChildren().Select(c => c.Key)
                .ToHashSet(StringComparer.OrdinalIgnoreCase)));
        services.AddSingleton<IValidateOptions<CatalogOptions>>(sp => sp.GetRequiredService<CatalogOptionsValidator>());

        services.AddReverseProxy().LoadFromConfig(configuration.GetSection("ReverseProxy")).AddConfigFilter<PassiveHealthConfigFilter>();
        services.AddSingleton<Yarp.ReverseProxy.Health.IPassiveHealthCheckPolicy, BreakerHealthPolicy>();
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
        services.AddSingleton<PriceOverrideLoader>();
        services.AddSingleton<Cluster.ChangeFeed.IChangeListener>(sp => sp.GetRequiredService<PriceOverrideLoader>());
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

    public static void MapProxyRoutes(this IEndpointRouteBuilder app)
    {
        var pipeline = app.ServiceProvider.GetRequiredService<ProxyPipeline>();
        foreach (var route in ProxyRoute.ModelRoutes.Concat(ProxyRoute.StoredResponseRoutes))
            app.MapMethods(route.Path, [route.Method], context => pipeline.HandleAsync(context, route)).RequireCors(ClientCors.Policy);
        app.Map(ProxyRoute.PerCallPattern, context => pipeline.HandleAsync(context, ProxyRoute.PerCall)).RequireCors(ClientCors.Policy);
    }
}
