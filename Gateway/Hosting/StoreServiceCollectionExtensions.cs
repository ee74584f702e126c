using Gateway.Configuration;
using Metering.Ledger;
using Metering.Pricing;
using Metering.Storage;
using Metering.Storage.Postgres;
using Metering.Storage.Postgres.Accounts;
using Metering.Storage.Postgres.Engine;
using Metering.Storage.Postgres.Logs;
using Metering.Storage.Postgres.Prices;
using Metering.Storage.Sqlite;
using Metering.Storage.Sqlite.Accounts;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;
using Metering.Storage.Sqlite.Prices;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>
/// The store behind the seam (<see cref="ILogReader"/>, <see cref="IAccountStore"/>, <see cref="IKeyStore"/>,
/// <see cref="IModelPriceStore"/>, <see cref="IStoreEngine"/>, <see cref="IStoreMaintenance"/>, <see cref="IWriteStore"/>),
/// chosen by the connection string (SPEC §10): <c>Data Source=</c> is SQLite, <c>Host=</c> PostgreSQL. Both
/// stores' parts are registered; only the chosen one's are ever built.
/// </summary>
/// <remarks>The connection string is read when the store is first resolved: test hosts add their configuration after this runs.</remarks>
internal static class StoreServiceCollectionExtensions
{
    public const string ConnectionStringName = "Gateway";
    public const string DefaultConnectionString = "Data Source=gateway.db";

    /// <summary>The configured connection string and which store it names.</summary>
    private sealed record StoreChoice(string ConnectionString)
    {
        public bool IsPostgres { get; } = IsPostgresConnectionString(ConnectionString);
    }

    public static string StoreConnectionString(IServiceProvider services) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName) ?? DefaultConnectionString;

    public static bool IsPostgresConnectionString(string connectionString) =>
        connectionString.Split(';').Any(part => part.TrimStart().StartsWith("Host=", StringComparison.OrdinalIgnoreCase));

    public static IServiceCollection AddStore(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            // SPEC §10's start-up rule (limits on a shared store need Redis) before any store is opened: the
            // store is first resolved when the routes are mapped, before options are validated on start.
            _ = sp.GetRequiredService<IOptions<Cluster.ClusterOptions>>().Value;
            return new StoreChoice(StoreConnectionString(sp));
        });
        services.AddSqliteStore();
        services.AddPostgresStore();
        services.AddChosen<IWriteStore, SqliteWriteStore, PostgresWriteStore>();
        services.AddChosen<IStoreEngine, SqliteStoreMaintenance, PostgresStoreMaintenance>();
        services.AddChosen<IStoreMaintenance, SqliteStoreMaintenance, PostgresStoreMaintenance>();
        services.AddChosen<ILogReader, SqliteLogReader, PostgresLogReader>();
        services.AddChosen<IAccountStore, SqliteAccountStore, PostgresAccountStore>();
        services.AddChosen<IKeyStore, SqliteKeyStore, PostgresKeyStore>();
        services.AddChosen<IModelPriceStore, SqliteModelPriceStore, PostgresModelPriceStore>();
        return services;
    }

    private static void AddChosen<TService, TSqlite, TPostgres>(this IServiceCollection services)
        where TService : class where TSqlite : TService where TPostgres : TService =>
        services.AddSingleton<TService>(sp => sp.GetRequiredService<StoreChoice>().IsPostgres
            ? sp.GetRequiredService<TPostgres>()
            : sp.GetRequiredService<TSqlite>());

    private static void AddSqliteStore(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<StoreChoice>().ConnectionString,
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.StoreBusyTimeoutMs));
        services.AddSingleton<LogInboxSignal>();
        services.AddSingleton<LogRowInserter>();
        services.AddSingleton(sp => new SqliteWriteStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<LogRowInserter>(),
            sp.GetRequiredService<AccountStates>(), sp.GetRequiredService<IOptions<GatewayOptions>>().Value.StoreFsyncEveryCommit));
        services.AddSingleton<LogFileWriter>();
        services.AddSingleton<LogInbox>();
        services.AddSingleton<SqliteStoreMaintenance>();
        services.AddSingleton<SqliteLogReader>();
        services.AddSingleton<SqliteAccountStore>();
        services.AddSingleton<SqliteKeyStore>();
        services.AddSingleton<SqliteModelPriceStore>();
    }

    private static void AddPostgresStore(this IServiceCollection services)
    {
        services.AddSingleton(sp => new PostgresDatabase(sp.GetRequiredService<StoreChoice>().ConnectionString));
        services.AddSingleton<LogPartitions>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return new BalanceFreshness(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromMilliseconds(options.StoreBalanceMaxAgeMs),
                NanoUsd.FromUsd(options.StoreBalanceReadBelowUsd).Value);
        });
        services.AddSingleton<PostgresWriteStore>();
        services.AddSingleton<PostgresStoreMaintenance>();
        services.AddSingleton<PostgresLogReader>();
        services.AddSingleton<PostgresAccountStore>();
        services.AddSingleton<PostgresKeyStore>();
        services.AddSingleton<PostgresModelPriceStore>();
    }
}
