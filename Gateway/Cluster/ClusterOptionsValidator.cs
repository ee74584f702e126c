using Gateway.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Cluster;

/// <summary>
/// Stops start-up on cluster settings that cannot work, naming the key: a Redis connection string
/// StackExchange.Redis cannot read, out-of-range timeouts, and (SPEC §10) rate limits on a shared
/// PostgreSQL store that only each instance would enforce.
/// </summary>
/// <param name="redisConnectionString">ConnectionStrings:Redis, or null.</param>
/// <param name="postgres">Whether ConnectionStrings:Gateway names a PostgreSQL store (shared by many instances).</param>
internal sealed class ClusterOptionsValidator(string? redisConnectionString, bool postgres, IOptions<CatalogOptions> catalog)
    : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var failures = new List<string>();
        const string s = GatewayOptions.Section;
        OptionRules.Between(failures, $"{s}:RedisTimeoutMs", options.RedisTimeoutMs, 1, 60_000);
        OptionRules.Between(failures, $"{s}:KeyCacheSeconds", options.KeyCacheSeconds, 1, 86_400);
        OptionRules.Between(failures, $"{s}:PriceRefreshSeconds", options.PriceRefreshSeconds, 1, 86_400);
        if (redisConnectionString is not null && RedisLink.ParseOrNull(redisConnectionString) is null)
            // Never the string itself: it may hold the Redis password.
            failures.Add($"ConnectionStrings:{RedisLink.ConnectionStringName} is not a StackExchange.Redis configuration with an endpoint (e.g. 127.0.0.1:6379 or host:6379,password=…).");
        if (postgres && redisConnectionString is null && !options.PerInstanceRateLimits && LimitedGroup() is { } group)
            failures.Add($"Groups:{group} sets Rpm/Tpm and ConnectionStrings:Gateway is PostgreSQL (many instances), but ConnectionStrings:{RedisLink.ConnectionStringName} "
                + $"is unset: each instance would count the limits alone. Set ConnectionStrings:{RedisLink.ConnectionStringName}, "
                + $"or {s}:PerInstanceRateLimits=true to accept limits per instance.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private string? LimitedGroup() =>
        catalog.Value.Groups.Where(g => g.Value.Rpm > 0 || g.Value.Tpm > 0).Select(g => g.Key).Order(StringComparer.Ordinal).FirstOrDefault();
}
