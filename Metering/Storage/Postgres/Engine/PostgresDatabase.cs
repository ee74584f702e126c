using Npgsql;

namespace Metering.Storage.Postgres.Engine;

/// <summary>
/// The PostgreSQL database behind the gateway, shared by every instance. One pooled data source for the
/// writer's session and the readers; disposing it closes every connection it holds (test hosts come and
/// go on one cluster, whose connection limit idle pools would otherwise use up).
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
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
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary>Where the store is, for messages: <c>host:port/database</c>.</summary>
    public string Describe { get; }

    public NpgsqlConnection Open() => _dataSource.OpenConnection();

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
