using System.Diagnostics.Metrics;

namespace Metering.Ledger;

/// <summary>
/// The writer's own instruments (System.Diagnostics.Metrics; the host chooses the exporter). One per
/// writer, disposed with it, so a disposed writer leaves no gauge behind.
/// </summary>
internal sealed class LedgerMetrics : IDisposable
{
    // Exported as gateway_writer_<instrument>.
    public const string MeterName = "gateway.writer";

    private readonly Meter _meter = new(MeterName);

    public LedgerMetrics(Func<int> queueDepth)
    {
        CommitSeconds = _meter.CreateHistogram<double>("commit.duration", "s", "Time to commit one batch of rows and debits.");
        BatchSize = _meter.CreateHistogram<int>("batch.size", "{rows}", "Units committed together in one transaction.");
        Failures = _meter.CreateCounter<long>("failures", "{batches}", "Batches whose commit failed.");
        _meter.CreateObservableGauge("queue.depth", queueDepth, "{units}", "Units waiting for the writer.");
    }

    public Histogram<double> CommitSeconds { get; }

    public Histogram<int> BatchSize { get; }

    public Counter<long> Failures { get; }

    public void Dispose() => _meter.Dispose();
}
