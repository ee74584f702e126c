using Metering.Storage;

namespace Gateway.Api;

/// <summary>
/// Checkpoints the database's WAL every second on its own connection, so the writer's commits never
/// do it (see <see cref="SqliteDatabase"/>): the request that happened to cross the checkpoint threshold
/// used to wait for the whole copy.
/// </summary>
internal sealed class WalCheckpointService(SqliteDatabase database, TimeProvider clock, ILogger<WalCheckpointService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
                await database.CheckpointAsync(stoppingToken);
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
