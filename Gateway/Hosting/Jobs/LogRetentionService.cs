using Gateway.Configuration;
using Metering.Storage;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting.Jobs;

/// <summary>
/// Deletes log rows older than <c>Gateway:RetentionDays</c> (0 keeps them forever) in small batches;
/// their sums stay in the rollups, so stats over the emptied range still answer.
/// </summary>
internal sealed class LogRetentionService(
    IStoreMaintenance store, IOptions<GatewayOptions> gateway, IOptions<LogMaintenanceOptions> options, TimeProvider clock, ILogger<LogRetentionService> logger)
    : PeriodicWriterJob(clock, logger)
{
    private const long DayMs = 86_400_000;

    protected override TimeSpan Interval => options.Value.RetentionInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var days = gateway.Value.RetentionDays;
        if (days <= 0)
            return;
        var cutoffMs = Clock.GetUtcNow().ToUnixTimeMilliseconds() - days * DayMs;
        var batch = options.Value.RetentionBatchRows;
        while (await store.DeleteLogsBeforeAsync(cutoffMs, batch, cancellationToken) == batch)
        {
        }
    }
}
