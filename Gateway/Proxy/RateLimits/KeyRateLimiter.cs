using System.Collections.Concurrent;
using Gateway.Configuration;

namespace Gateway.Proxy.RateLimits;

/// <summary>What the limiter decided for one request, with what the <c>x-ratelimit-*</c> headers report.</summary>
internal readonly record struct RateLimitDecision(
    bool Allowed, int LimitRequests, int RemainingRequests, long LimitTokens, long RemainingTokens, TimeSpan ResetRequests, TimeSpan RetryAfter)
{
    public static readonly RateLimitDecision Unlimited = new(true, 0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>The shared windows could not be read and the gateway is told to refuse rather than guess (a 503).</summary>
    public static readonly RateLimitDecision Unavailable = new(false, 0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero) { IsUnavailable = true };

    public bool HasLimits => LimitRequests > 0 || LimitTokens > 0;

    public bool IsUnavailable { get; private init; }
}

/// <summary>
/// Per-key sliding one-minute windows for the group's <c>Rpm</c> and <c>Tpm</c>, in this process. Requests
/// count when admitted; tokens when metered (a request's tokens are known only after it ran). The
/// windows of a single instance, and the fallback of the shared ones while Redis is unreachable.
/// </summary>
internal sealed class KeyRateLimiter(TimeProvider clock) : IKeyRateLimits
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<long, KeyWindow> _windows = new();

    public RateLimitDecision TryAcquire(long keyId, GroupOptions limits)
    {
        if (limits.Rpm <= 0 && limits.Tpm <= 0)
            return RateLimitDecision.Unlimited;
        var window = _windows.GetOrAdd(keyId, _ => new KeyWindow());
        var now = clock.GetUtcNow();
        lock (window)
        {
            window.Expire(now - Window);
            var requestsFull = limits.Rpm > 0 && window.Requests.Count >= limits.Rpm;
            var tokensFull = limits.Tpm > 0 && window.TokenSum >= limits.Tpm;
            var resetRequests = window.Requests.Count > 0 ? window.Requests.Peek() + Window - now : TimeSpan.Zero;
            var resetTokens = window.Tokens.Count > 0 ? window.Tokens.Peek().At + Window - now : TimeSpan.Zero;
            var allowed = !requestsFull && !tokensFull;
            if (allowed)
                window.Requests.Enqueue(now);
            var retryAfter = TimeSpan.FromTicks(Math.Max(requestsFull ? resetRequests.Ticks : 0, tokensFull ? resetTokens.Ticks : 0));
            return new RateLimitDecision(
                allowed,
                limits.Rpm,
                Math.Max(0, limits.Rpm - window.Requests.Count),
                limits.Tpm,
                Math.Max(0, limits.Tpm - window.TokenSum),
                allowed ? window.Requests.Peek() + Window - now : resetRequests,
                retryAfter);
        }
    }

    public ValueTask<RateLimitDecision> TryAcquireAsync(long keyId, GroupOptions limits) => ValueTask.FromResult(TryAcquire(keyId, limits));

    public ValueTask RecordTokensAsync(long keyId, GroupOptions limits, long tokens)
    {
        RecordTokens(keyId, tokens);
        return ValueTask.CompletedTask;
    }

    public void RecordTokens(long keyId, long tokens)
    {
        if (tokens <= 0 || !_windows.TryGetValue(keyId, out var window))
            return;
        lock (window)
        {
            window.Tokens.Enqueue((clock.GetUtcNow(), tokens));
            window.TokenSum += tokens;
        }
    }

    private sealed class KeyWindow
    {
        public Queue<DateTimeOffset> Requests { get; } = new();
        public Queue<(DateTimeOffset At, long Count)> Tokens { get; } = new();
        public long TokenSum { get; set; }

        public void Expire(DateTimeOffset cutoff)
        {
            while (Requests.Count > 0 && Requests.Peek() <= cutoff)
                Requests.Dequeue();
            while (Tokens.Count > 0 && Tokens.Peek().At <= cutoff)
                TokenSum -= Tokens.Dequeue().Count;
        }
    }
}
