using Gateway.Cluster;
using Gateway.Cluster.ChangeFeed;
using Gateway.Cluster.RateLimits;
using Gateway.Configuration;
using Gateway.Proxy;
using Microsoft.Extensions.Options;
using Gateway.Proxy.RateLimits;

namespace Gateway.Hosting;

/// <summary>
/// What many instances share (SPEC §10): with <c>ConnectionStrings:Redis</c>, rate-limit windows in Redis
/// and a change feed over its pub/sub; without it, this process's own windows and caches, as before.
/// </summary>
internal static class ClusterServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayCluster(this IServiceCollection services)
    {
        services.AddOptions<ClusterOptions>().BindConfiguration(GatewayOptions.Section).ValidateOnStart();
        // Connection strings are read when first resolved, not now: test hosts add their configuration after this runs.
        services.AddSingleton<IValidateOptions<ClusterOptions>>(sp => new ClusterOptionsValidator(RedisConnectionString(sp),
            StoreServiceCollectionExtensions.IsPostgresConnectionString(StoreServiceCollectionExtensions.StoreConnectionString(sp)),
            sp.GetRequiredService<IOptions<CatalogOptions>>()));
        services.AddSingleton(sp => new RedisLink(RedisConnectionString(sp), sp.GetRequiredService<IOptions<ClusterOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisLink>>()));

        services.AddSingleton<KeyRateLimiter>();
        services.AddSingleton<RedisKeyRateLimits>();
        services.AddSingleton<IKeyRateLimits>(sp => sp.GetRequiredService<RedisLink>().IsConfigured
            ? sp.GetRequiredService<RedisKeyRateLimits>()
            : sp.GetRequiredService<KeyRateLimiter>());

        services.AddSingleton<CacheInvalidator>();
        services.AddSingleton<ChangePublisher>();
        services.AddHostedService<ClusterHostedService>();
        return services;
    }

    private static string? RedisConnectionString(IServiceProvider services) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(RedisLink.ConnectionStringName) is { } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : null;
}
