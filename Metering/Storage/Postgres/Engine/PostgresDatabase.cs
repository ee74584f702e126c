using Npgsql;

namespace Metering.Storage.Postgres.Engine;

/// <summary>
/// The PostgreSQL database behind the gateway, shared by every instance. One pooled data source for the
/// writer's session and the readers; disposing it closes every connection it holds (test hosts come and
/// go on one cluster, whose connection limit idle pools would otherwise use up).
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    /// <summary>Statements kept prepared per connection: the writer's handful and the readers' most used.</summary>
    private const int AutoPreparedStatements = 32;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Named in start-up errors and /healthz: host, port and database only, never the password.
        Describe = $"{builder.Host}:{builder.Port}/{builder.Database}";
        // No JIT: the rollup fold and the aggregate reads carry ~50 histogram expressions each, which
        // the planner prices as worth compiling; LLVM then spends seconds on a statement that runs in
        // milliseconds. The operator's own -c options stay and may turn it back on.
        builder.Options = string.IsNullOrEmpty(builder.Options) ? "-c jit=off" : "-c jit=off " + builder.Options;
        // Prepared statements: the writer sends the same few statements for every batch (debits, key spend,
        // ids, the unnest insert, the batch's id); parsed and planned each time, they cost ~0.4 ms at
        // one connection and a fifth of the throughput at fifty (docs/BENCHMARKS.md). The
        // operator's own values stay (Max Auto Prepare=0 turns it off).
        if (!OperatorSet(connectionString, nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare)))
            builder.MaxAutoPrepare = AutoPreparedStatements;
        if (!OperatorSet(connectionString, nameof(NpgsqlConnectionStringBuilder.AutoPrepareMinUsages)))
            builder.AutoPrepareMinUsages = 2;
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary>Whether the connection string names the setting, however spaced ("Max Auto Prepare", "maxautoprepare").</summary>
    private static bool OperatorSet(string connectionString, string setting) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(key => string.Equals(key.Replace(" ", ""), setting, StringComparison.OrdinalIgnoreCase));

    /// <summary>Where the store is, for messages: <c>host:port/database</c>.</summary>
    public string Describe { get; }

    public NpgsqlConnection Open() => _dataSource.OpenConnection();

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
