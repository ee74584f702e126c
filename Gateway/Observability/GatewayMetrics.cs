using System.Diagnostics.Metrics;
using Gateway.Upstream;
using Metering.Ledger;
using Polly.CircuitBreaker;

namespace Gateway.Observability;

/// <summary>
/// What the gateway measures of its traffic, as System.Diagnostics.Metrics instruments; /metrics
/// exports them (with the writer's) in Prometheus text format.
/// </summary>
internal sealed class GatewayMetrics : IDisposable
{
    // Exported names are "<meter>_<instrument>": gateway_requests, gateway_request_duration, …
    public const string MeterName = "gateway";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _firstToken;
    private readonly Counter<long> _tokens;
    private readonly Counter<double> _spend;
    private readonly Counter<long> _retries;

    public GatewayMetrics(UpstreamResilience resilience)
    {
        _requests = _meter.CreateCounter<long>("requests", "{requests}", "Metered requests by model, status and row type.");
        _duration = _meter.CreateHistogram<double>("request.duration", "s", "Arrival to end of response.");
        _firstToken = _meter.CreateHistogram<double>("time_to_first_token", "s", "Arrival to the first streamed content.");
        _tokens = _meter.CreateCounter<long>("tokens", "{tokens}", "Tokens metered, by kind.");
        _spend = _meter.CreateCounter<double>("spend", "USD", "Spend charged (exact amounts are in the log; this is for graphs).");
        _retries = _meter.CreateCounter<long>("upstream.retries", "{tries}", "Upstream tries beyond the first.");
        _meter.CreateObservableGauge("upstream.breaker.open", () => resilience.BreakerStates.Select(b =>
            new Measurement<int>(b.State is CircuitState.Open or CircuitState.Isolated ? 1 : 0, new KeyValuePair<string, object?>("destination", b.Destination))),
            "{breakers}", "1 while a destination's circuit breaker keeps it out.");
    }

    public void Record(LogRecord row, int attempts)
    {
        var model = new KeyValuePair<string, object?>("model", row.Model);
        _requests.Add(1, model, new("status", row.Status), new("type", row.Type));
        if (row.DurationMs is { } duration)
            _duration.Record(duration / 1000.0, model);
        if (row.FirstTokenMs is { } firstToken)
            _firstToken.Record(firstToken / 1000.0, model);
        AddTokens(row.InputTokens, "input", model);
        AddTokens(row.OutputTokens, "output", model);
        AddTokens(row.CachedTokens, "cached", model);
        AddTokens(row.CacheWriteTokens, "cache_write", model);
        if (row.SpendNano != 0)
            _spend.Add(row.SpendNano / 1e9, model);
        if (attempts > 1)
            _retries.Add(attempts - 1, model);
    }

    private void AddTokens(long count, string kind, KeyValuePair<string, object?> model)
    {
        if (count > 0)
            _tokens.Add(count, model, new("kind", kind));
    }

    public void Dispose() => _meter.Dispose();
}
