using Metering.Ledger;
using Metering.Storage;
using Microsoft.Extensions.Options;

namespace Gateway.Api;

/// <summary>Keeps the hourly and daily rollups caught up with the log, a short writer unit at a time.</summary>
internal sealed class LogRollupService(LedgerWriter writer, IOptions<LogMaintenanceOptions> options, TimeProvider clock, ILogger<LogRollupService> logger)
    : PeriodicWriterJob(clock, logger)
{
    protected override TimeSpan Interval => options.Value.RollupInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var batch = options.Value.RollupBatchRows;
        while (await writer.ExecuteAsync((connection, transaction) => RollupBuilder.Step(connection, transaction, batch), cancellationToken) == batch)
        {
        }
    }
}
