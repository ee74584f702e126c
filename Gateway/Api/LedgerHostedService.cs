using Metering.Ledger;
using Metering.Storage;

namespace Gateway.Api;

/// <summary>Migrates the store and starts the writer before traffic; drains the writer on shutdown.</summary>
internal sealed class LedgerHostedService(SqliteDatabase database, LedgerWriter writer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Migrations.Apply(database);
        writer.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await writer.DisposeAsync();
}
