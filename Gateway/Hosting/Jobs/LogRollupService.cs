using Gateway.Observability;
using Metering.Storage;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting.Jobs;

/// <summary>
/// Keeps the hourly and daily rollups caught up with the log: rows are read and summed on a reader
/// connection, and only the small upserts go through the writer, one short unit per family chunk.
/// </summary>
internal sealed class LogRollupService(
    IStoreMaintenance store, IOptions<LogMaintenanceOptions> options, TimeProvider clock, ILogger<LogRollupService> logger)
    : PeriodicWriterJob(clock, logger)
{
    protected override TimeSpan Interval => options.Value.RollupInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await store.RollUpAsync(options.Value.RollupBatchRows, cancellationToken);
        StoreMetrics.SetRollupLag(await store.RollupLagAsync(cancellationToken));
    }
}
