using Gateway.Tests.Fakes;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Postgres;
using Metering.Storage.Postgres.Accounts;
using Metering.Storage.Postgres.Engine;
using Metering.Storage.Postgres.Logs;
using Metering.Storage.Postgres.Rollups;
using Npgsql;

namespace Gateway.Tests.Metering.Storage.Postgres;

/// <summary>A migrated database of its own on the run's PostgreSQL cluster, with a running writer and the real store.</summary>
internal sealed class TempPostgresStore : IAsyncDisposable
{
    private TempPostgresStore(string connectionString)
    {
        ConnectionString = connectionString;
        Database = new PostgresDatabase(connectionString);
        Maintenance = new PostgresStoreMaintenance(Database, Partitions, TimeProvider.System);
        Maintenance.Migrate();
        var freshness = new BalanceFreshness(TimeProvider.System, TimeSpan.FromSeconds(1), 0);
        Writer = new LedgerWriter(new PostgresWriteStore(Database, Partitions, Accounts, freshness, TimeProvider.System));
        Writer.Start();
        Ledger = new LedgerAppender(Writer);
        Logs = new PostgresLogReader(Database);
    }

    public string ConnectionString { get; }

    public PostgresDatabase Database { get; }

    public LogPartitions Partitions { get; } = new();

    public AccountStates Accounts { get; } = new();

    public PostgresStoreMaintenance Maintenance { get; }

    public LedgerWriter Writer { get; }

    public LedgerAppender Ledger { get; }

    public PostgresLogReader Logs { get; }

    public static async Task<TempPostgresStore> CreateAsync() =>
        new(await (await PostgresServer.SharedAsync()).CreateDatabaseAsync());

    /// <summary>The store on a database of the run's cluster that exists already, migrated the rest of the way.</summary>
    public static TempPostgresStore Open(string connectionString) => new(connectionString);

    /// <summary>One rollup chunk of <paramref name="maxRows"/> rows, or (null) everything committed.</summary>
    public async Task<long> RollUpAsync(int? maxRows = null)
    {
        if (maxRows is null)
            return await Maintenance.RollUpAsync(20_000);
        await using var connection = await Database.OpenAsync();
        return await PostgresRollups.FoldAsync(connection, maxRows.Value, maxRows.Value);
    }

    public Task AppendAsync(IEnumerable<LogRecord> rows) => Task.WhenAll(rows.Select(r => Ledger.AppendAsync(r)));

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T));
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await Database.DisposeAsync();
    }
}
