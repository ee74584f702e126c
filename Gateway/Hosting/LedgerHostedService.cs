using Metering.Ledger;
using Metering.Storage;

namespace Gateway.Hosting;

/// <summary>
/// Migrates the store and starts the writer before traffic. The writer is not stopped here: the web
/// server stops after this service, and requests it lets finish still need their rows; the
/// container drains the writer when the host is disposed, after the last request.
/// </summary>
internal sealed class LedgerHostedService(IStoreEngine store, LedgerWriter writer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Migrate();
        writer.Start();
        // prometheus-net starts listening to .NET meters on its first export; do that now, not at the first scrape.
        return Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
