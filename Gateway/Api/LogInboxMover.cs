using System.Threading.Channels;
using Metering.Storage;

namespace Gateway.Api;

/// <summary>
/// Moves rows from the inbox to the log soon after they land (<see cref="LogInbox.RunMoverAsync"/>), so
/// the log stays current without a read having to ask. A failed move is logged and tried again.
/// </summary>
internal sealed class LogInboxMover(LogInbox inbox, TimeProvider clock, ILogger<LogInboxMover> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await inbox.RunMoverAsync(LogInbox.DefaultGatherTime, stoppingToken);
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
                logger.LogError(ex, "Moving rows from the log inbox failed; retrying in {Interval}", RetryAfter);
                try
                {
                    await Task.Delay(RetryAfter, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
