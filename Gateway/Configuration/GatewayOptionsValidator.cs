using System.Net;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>
/// Stops start-up on a <c>Gateway</c> section that would refuse every request or fail at the first
/// one (Polly checks its breaker options only when a breaker is first built), naming the key.
/// </summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        const string s = GatewayOptions.Section;
        OptionRules.AtLeast(failures, $"{s}:MaxRequestBodyBytes", options.MaxRequestBodyBytes, 1);
        OptionRules.Between(failures, $"{s}:StoreBusyTimeoutMs", options.StoreBusyTimeoutMs, 1, 600_000);
        OptionRules.Between(failures, $"{s}:StoreBalanceMaxAgeMs", options.StoreBalanceMaxAgeMs, 0, 60_000);
        if (options.StoreBalanceReadBelowUsd is < 0 or > 1_000_000_000)
            failures.Add($"{s}:StoreBalanceReadBelowUsd must be between 0 and 1000000000.");
        OptionRules.Between(failures, $"{s}:UpstreamMaxAttempts", options.UpstreamMaxAttempts, 1, 10);
        OptionRules.Between(failures, $"{s}:UpstreamRetryBudgetMs", options.UpstreamRetryBudgetMs, 0, 600_000);
        OptionRules.Between(failures, $"{s}:UpstreamRetryDelayMs", options.UpstreamRetryDelayMs, 0, 60_000);
        // Polly's own ranges: MinimumThroughput >= 2, BreakDuration 0.5 s to 1 day.
        OptionRules.AtLeast(failures, $"{s}:BreakerMinimumThroughput", options.BreakerMinimumThroughput, 2);
        OptionRules.Between(failures, $"{s}:BreakerBreakSeconds", options.BreakerBreakSeconds, 1, 86_400);
        OptionRules.AtLeast(failures, $"{s}:RetentionDays", options.RetentionDays, 0);
        for (var i = 0; i < options.TrustedProxies.Length; i++)
            if (!IPAddress.TryParse(options.TrustedProxies[i], out _))
                failures.Add($"{s}:TrustedProxies:{i} is not an IP address.");
        for (var i = 0; i < options.CorsOrigins.Length; i++)
            if (options.CorsOrigins[i] != "*" && !(Uri.TryCreate(options.CorsOrigins[i], UriKind.Absolute, out var origin)
                    && origin.Scheme is "http" or "https" && origin.AbsolutePath == "/" && !options.CorsOrigins[i].EndsWith('/')))
                failures.Add($"{s}:CorsOrigins:{i} is not an origin (scheme://host[:port], no path) or '*'.");
        if (options.MetricsKey is { Length: > 0 } metricsKey && string.IsNullOrWhiteSpace(metricsKey))
            failures.Add($"{s}:MetricsKey is only white space.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
