using Metering.Ledger;
using Metering.Storage;

namespace Gateway.Api;

/// <summary>
/// Migrates the store and starts the writer before traffic. The writer is not stopped here: the web
/// server stops after this service, and requests it lets finish still need their rows; the
/// container drains the writer when the host is disposed, after the last request.
/// </summary>
internal sealed class LedgerHostedService(SqliteDatabase database, LedgerWriter writer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Migrations.Apply(database);
        writer.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
