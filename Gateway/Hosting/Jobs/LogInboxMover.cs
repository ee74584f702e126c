using Metering.Storage;

namespace Gateway.Hosting.Jobs;

/// <summary>
/// Moves rows from the inbox to the log soon after they land (<see cref="IStoreMaintenance.RunLogMoverAsync"/>), so
/// the log stays current without a read having to ask. The mover's loop returns only by failing: the job
/// logs that and starts it again after <see cref="Interval"/>.
/// </summary>
internal sealed class LogInboxMover(IStoreMaintenance store, TimeProvider clock, ILogger<LogInboxMover> logger) : PeriodicWriterJob(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => store.RunLogMoverAsync(cancellationToken);
}
