using Gateway.Proxy.RateLimits;
namespace Gateway.Proxy;

/// <summary>A request the gateway answers itself, with the status and codes of SPEC §4.</summary>
internal sealed record Refusal(int Status, string Code, string Message)
{
    public static Refusal MissingKey(ClientDialect dialect = ClientDialect.OpenAI) => new(401, "invalid_api_key", dialect == ClientDialect.Gemini
        ? "Missing, unknown or revoked API key. Send it as 'x-goog-api-key: <key>' or the 'key' query parameter."
        : "Missing, unknown or revoked API key. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
    public static Refusal Malformed(string message) => new(400, "invalid_request_error", message);
    public static Refusal TooLarge(long limit) => new(413, "request_too_large", $"Request body exceeds the limit of {limit} bytes.");
    public static Refusal ModelNotFound(string model) => new(404, "model_not_found", $"The model '{model}' does not exist or you do not have access to it.");
    /// <param name="id">Echoed only when it is a well-formed id (client text, it could hold anything).</param>
    public static Refusal ResponseNotFound(string? id) => new(404, "not_found", id is null ? "No response with that id was found." : $"No response with id '{id}' was found.");
    public static Refusal ApiNotFound(string api) => new(404, "api_not_found", $"The per-call API '{api}' is not configured.");
    public static Refusal InsufficientBalance() => new(402, "insufficient_balance", "Insufficient balance: the account's balance is not above zero. Top up to continue.");
    // Key policies (SPEC §13): each names this key's own rule, never anything of another key.
    public static Refusal KeyExpired(DateTimeOffset expiredAt) => new(401, "key_expired", $"This API key expired at {expiredAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}.");
    public static Refusal ModelNotAllowed(string model) => new(403, "model_not_allowed", $"This API key may not call the model '{model}'.");
    public static Refusal IpNotAllowed(string? ip) => new(403, "ip_not_allowed", $"This API key may not be used from this IP address ({ip ?? "unknown"}).");
    public static Refusal KeyBudgetExceeded(string period) => new(402, "key_budget_exceeded", $"This API key's {period} budget is spent.");
    public static Refusal RateLimited(RateLimitDecision decision) => new(429, "rate_limit_exceeded",
        $"Rate limit reached for this key ({(decision.RemainingRequests == 0 && decision.LimitRequests > 0 ? $"{decision.LimitRequests} requests" : $"{decision.LimitTokens} tokens")} per minute). Retry after {Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds))} s.");
    public static Refusal RateLimitsUnavailable() => new(503, "rate_limits_unavailable", "The gateway cannot check this key's rate limits right now (its shared store is unreachable); retry shortly.");
    public static Refusal StoreUnavailable() => new(503, "store_unavailable", "The gateway cannot record usage right now and serves no metered traffic until it can; retry shortly.");
    public static Refusal UpstreamUnreachable() => new(502, "upstream_error", "The upstream provider could not be reached or sent a broken response.");
    public static Refusal GatewayFault() => new(500, "internal_error", "The gateway failed on this request; nothing was charged. Its x-request-id is in the operator's log.");
    public static Refusal ClientClosed() => new(499, "client_closed_request", "The client closed the connection before the response was sent.");
    public static Refusal UpstreamUnavailable(int status) => new(status == 429 ? 429 : 502, "upstream_error", $"Every upstream try failed (last answer {status}).");
    public static Refusal UpstreamTimeout(TimeSpan firstByteTimeout) =>
        new(504, "upstream_timeout", $"The upstream provider sent no response within the first-byte timeout ({firstByteTimeout.TotalSeconds:0.###} s).");
}
