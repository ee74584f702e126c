using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.Upstream;
using Metering.Logs;
using Polly.CircuitBreaker;
using Prometheus;

namespace Gateway.Observability;

/// <summary>
/// What the gateway measures of its traffic, exported at /metrics in Prometheus text format (with the
/// writer's meter and the runtime's). The per-request instruments are prometheus-net's own: bridged from
/// System.Diagnostics.Metrics they cost ~10 µs a request (a labelled lookup with lifetime leases per
/// measurement, eight measurements a request); native, a cached child per label set.
/// </summary>
internal sealed class GatewayMetrics : IDisposable
{
    /// <summary>Our System.Diagnostics.Metrics meter, for what is observed only when scraped.</summary>
    public const string MeterName = "gateway";

    // Shared by every host in the process (the default registry is global); creating them again returns these.
    private static readonly Counter Requests = Metrics.CreateCounter("gateway_requests_total", "Metered requests by model, status and row type.", "model", "status", "type");
    private static readonly Histogram Duration = Metrics.CreateHistogram("gateway_request_duration_seconds", "Arrival to end of response.",
        new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 17) });
    private static readonly Histogram FirstToken = Metrics.CreateHistogram("gateway_time_to_first_token_seconds", "Arrival to the first streamed content.",
        new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
    private static readonly Counter Tokens = Metrics.CreateCounter("gateway_tokens_total", "Tokens metered, by kind.", "model", "kind");
    private static readonly Counter Spend = Metrics.CreateCounter("gateway_spend_usd_total", "Spend charged (exact amounts are in the log; this is for graphs).", "model");
    private static readonly Counter Retries = Metrics.CreateCounter("gateway_upstream_retries_total", "Upstream tries beyond the first.", "model");

    /// <summary>The model label of requests for a model (or per-call API) the catalog does not have.</summary>
    public const string OtherModel = "(other)";

    private readonly Meter _meter = new(MeterName);

    // One set of labelled series per catalog model, looked up once a request instead of once a measurement.
    private readonly ConcurrentDictionary<string, ModelSeries> _series = new(StringComparer.Ordinal);

    public GatewayMetrics(UpstreamResilience resilience)
    {
        _meter.CreateObservableGauge("upstream.breaker.open", () => resilience.BreakerStates.Select(b =>
            new Measurement<int>(b.State is CircuitState.Open or CircuitState.Isolated ? 1 : 0, new KeyValuePair<string, object?>("destination", b.Destination))),
            "{breakers}", "1 while a destination's circuit breaker keeps it out.");
    }

    /// <param name="inCatalog">
    /// Whether the row's model is one the catalog prices. Others (a client can name any model) share the
    /// label <see cref="OtherModel"/>: a label value per invented name would grow /metrics without bound.
    /// </param>
    public void Record(LogRecord row, int attempts, bool inCatalog)
    {
        var model = inCatalog ? row.Model : OtherModel;
        Requests.WithLabels(model, StatusText(row.Status), row.Type).Inc();
        var series = _series.GetOrAdd(model, static name => new ModelSeries(name));
        if (row.DurationMs is { } duration)
            series.Duration.Observe(duration / 1000.0);
        if (row.FirstTokenMs is { } firstToken)
            series.FirstToken.Observe(firstToken / 1000.0);
        Add(series.Input, row.InputTokens);
        Add(series.Output, row.OutputTokens);
        Add(series.Cached, row.CachedTokens);
        Add(series.CacheWrite, row.CacheWriteTokens);
        if (row.SpendNano != 0)
            series.Spend.Inc(row.SpendNano / 1e9);
        if (attempts > 1)
            series.Retries.Inc(attempts - 1);
    }

    private static void Add(Counter.Child counter, long count)
    {
        if (count > 0)
            counter.Inc(count);
    }

    private sealed class ModelSeries(string model)
    {
        public readonly Histogram.Child Duration = GatewayMetrics.Duration.WithLabels(model);
        public readonly Histogram.Child FirstToken = GatewayMetrics.FirstToken.WithLabels(model);
        public readonly Counter.Child Input = Tokens.WithLabels(model, "input");
        public readonly Counter.Child Output = Tokens.WithLabels(model, "output");
        public readonly Counter.Child Cached = Tokens.WithLabels(model, "cached");
        public readonly Counter.Child CacheWrite = Tokens.WithLabels(model, "cache_write");
        public readonly Counter.Child Spend = GatewayMetrics.Spend.WithLabels(model);
        public readonly Counter.Child Retries = GatewayMetrics.Retries.WithLabels(model);
    }

    // Status codes as label values without a string per request.
    private static readonly string[] StatusTexts = Enumerable.Range(0, 600).Select(code => code.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static string StatusText(int status) => (uint)status < StatusTexts.Length ? StatusTexts[status] : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _meter.Dispose();
}
