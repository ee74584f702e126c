using Metering.Storage;

namespace Gateway.Hosting.Jobs;

/// <summary>
/// Checkpoints the database's WAL four times a second on its own connection, so that the writer's own
/// checkpoint (see <see cref="IStoreMaintenance.CheckpointAsync"/>) finds little left to copy: the request whose commit
/// crossed the threshold used to wait for the whole copy.
/// </summary>
internal sealed class WalCheckpointService(IStoreMaintenance store, TimeProvider clock, ILogger<WalCheckpointService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
                await store.CheckpointAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A failing store is reported by the writer and /healthz; here it only means the WAL grows.
                logger.LogWarning(ex, "WAL checkpoint failed; retrying in {Interval}", Interval);
            }
        }
    }
}
