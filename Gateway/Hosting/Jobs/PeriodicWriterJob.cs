using System.Threading.Channels;

namespace Gateway.Hosting.Jobs;

/// <summary>
/// A background job that wakes every <see cref="Interval"/> and does its work as units of the single
/// writer, so it queues behind request rows instead of fighting them for the database. A failed pass
/// is logged and retried on the next wake.
/// </summary>
internal abstract class PeriodicWriterJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ChannelClosedException)
            {
                return;   // the writer has shut down
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "{Job} failed; retrying in {Interval}", GetType().Name, Interval);
            }
            try
            {
                await Task.Delay(Interval, Clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
