using System.Globalization;

namespace Gateway.Proxy.RateLimits;

/// <summary>The OpenAI-style <c>x-ratelimit-*</c> headers (and <c>Retry-After</c> on a 429).</summary>
internal static class RateLimitHeaders
{
    public const string LimitRequests = "x-ratelimit-limit-requests";
    public const string RemainingRequests = "x-ratelimit-remaining-requests";
    public const string ResetRequests = "x-ratelimit-reset-requests";
    public const string LimitTokens = "x-ratelimit-limit-tokens";
    public const string RemainingTokens = "x-ratelimit-remaining-tokens";
    public const string RetryAfter = "Retry-After";

    public static void Apply(HttpResponse response, RateLimitDecision decision)
    {
        if (!decision.HasLimits)
            return;
        var headers = response.Headers;
        if (decision.LimitRequests > 0)
        {
            headers[LimitRequests] = decision.LimitRequests.ToString(CultureInfo.InvariantCulture);
            headers[RemainingRequests] = decision.RemainingRequests.ToString(CultureInfo.InvariantCulture);
            headers[ResetRequests] = $"{Math.Max(0, decision.ResetRequests.TotalSeconds):0.###}s";
        }
        if (decision.LimitTokens > 0)
        {
            headers[LimitTokens] = decision.LimitTokens.ToString(CultureInfo.InvariantCulture);
            headers[RemainingTokens] = decision.RemainingTokens.ToString(CultureInfo.InvariantCulture);
        }
        if (!decision.Allowed)
            headers[RetryAfter] = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }
}
