using Gateway.Cluster;
using Gateway.Proxy.Pricing;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting.Jobs;

/// <summary>
/// Loads the model prices set at run time before the first request, then reads them again every
/// <see cref="ClusterOptions.PriceRefreshSeconds"/>: the backstop for a change-feed message that was lost, and
/// how instances without Redis learn of a change another made. A failed read is logged; the prices read last stay.
/// </summary>
internal sealed partial class PriceOverridePoller(PriceOverrideLoader loader, IOptions<ClusterOptions> options, TimeProvider clock,
    ILogger<PriceOverridePoller> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await loader.ReloadAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PriceRefreshSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await loader.ReloadAsync();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    Log.ReadFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Run-time model prices could not be read again; retrying on the next poll")]
        public static partial void ReadFailed(ILogger logger, Exception exception);
    }
}
