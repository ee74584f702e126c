using Prometheus;

namespace Gateway.Observability;

/// <summary>
/// What /metrics exports: our meters, the runtime's and the process's. prometheus-net listens by default
/// to every meter and every EventSource's counters, which switches on per-request instrumentation all
/// through the stack (hosting, Kestrel, HttpClient, YARP's forwarder telemetry) and costs CPU on every
/// request; our own meters already describe the traffic.
/// </summary>
internal static class PrometheusExport
{
    /// <summary>Takes effect before the first collection; later calls change nothing.</summary>
    public static void Configure()
    {
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true });
        Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = instrument => IsExported(instrument.Meter.Name));
    }

    // "gateway" and "gateway.writer" are ours.
    private static bool IsExported(string meter) =>
        meter == GatewayMetrics.MeterName || meter.StartsWith(GatewayMetrics.MeterName + ".", StringComparison.Ordinal) || meter == "System.Runtime";
}
