using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Fakes;

/// <summary>
/// One test's world: the real gateway on Kestrel (loopback, random port), its own database, and a fake
/// upstream. Each end-to-end test starts its own; nothing is shared between tests. The database is a
/// SQLite file, or, with <c>GATEWAY_TEST_STORE=postgres</c> (<see cref="TestStore"/>), a database of its
/// own on the run's throwaway PostgreSQL cluster.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const string UpstreamKey = "sk-upstream-secret-abcdef";
    public const string AnthropicUpstreamKey = "sk-ant-upstream-secret-xyz";
    public const string GeminiUpstreamKey = "AIzaSy-gemini-upstream-secret-0123";

    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _directory;

    private GatewayHost(WebApplicationFactory<Program> factory, FakeUpstream upstream, string directory, Uri address, CapturingLoggerProvider logs,
        string connectionString)
    {
        ConnectionString = connectionString;
        Logs = logs;
        _factory = factory;
        Upstream = upstream;
        _directory = directory;
        Address = address;
        Admin = NewClient(AdminKey);
    }

    public FakeUpstream Upstream { get; }

    public Uri Address { get; }

    public HttpClient Admin { get; }

    public string DatabasePath => Path.Combine(_directory, "gateway.db");

    /// <summary>The ledger's file beside the log's (accounts, keys, the inbox): what a request's commit writes.</summary>
    public string LedgerPath => global::Metering.Storage.Sqlite.Engine.SqliteDatabase.LedgerPathFor(DatabasePath);

    /// <summary>The gateway's <c>ConnectionStrings:Gateway</c>.</summary>
    public string ConnectionString { get; }

    public bool OnPostgres => ConnectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    public IServiceProvider Services => _factory.Services;

    /// <summary>Every log line the gateway wrote, Trace level and up.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>The store end-to-end tests run on: <c>GATEWAY_TEST_STORE=postgres</c> picks PostgreSQL, anything else SQLite.</summary>
    public static bool TestStoreIsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("GATEWAY_TEST_STORE"), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <param name="plainUpstream">Reach the fake over plain HTTP instead of HTTPS by its host name (the default, as providers are reached).</param>
    /// <param name="connectionString">A database to share with other hosts (several instances on one PostgreSQL); by default one of its own.</param>
    /// <param name="clock">The gateway's clock (its <c>TimeProvider</c>); by default the system's.</param>
    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?>? settings = null, bool plainUpstream = false, string? connectionString = null,
        TimeProvider? clock = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "gateway-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        connectionString ??= TestStoreIsPostgres
            ? await (await PostgresServer.SharedAsync()).CreateDatabaseAsync()
            : $"Data Source={Path.Combine(directory, "gateway.db")}";
        var upstream = await FakeUpstream.StartAsync(https: !plainUpstream);
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Gateway"] = connectionString,
            ["Gateway:AdminKey"] = AdminKey,
            ["ReverseProxy:Clusters:openai:Destinations:default:Address"] = upstream.BaseAddress,
            ["ReverseProxy:Clusters:openai:Metadata:ApiKey"] = UpstreamKey,
            ["ReverseProxy:Clusters:anthropic:Destinations:default:Address"] = upstream.BaseAddress,
            ["ReverseProxy:Clusters:anthropic:Metadata:ApiKey"] = AnthropicUpstreamKey,
            ["ReverseProxy:Clusters:gemini:Destinations:default:Address"] = upstream.BaseAddress,
            ["ReverseProxy:Clusters:gemini:Metadata:ApiKey"] = GeminiUpstreamKey,
            ["ReverseProxy:Clusters:gemini:Metadata:Format"] = "gemini",
            ["ReverseProxy:Clusters:search:Destinations:default:Address"] = upstream.BaseAddress,
            ["ReverseProxy:Clusters:search:Metadata:ApiKey"] = UpstreamKey,
            // The fake's certificate is its own: trusted through YARP's cluster HttpClient settings.
            ["ReverseProxy:Clusters:openai:HttpClient:DangerousAcceptAnyServerCertificate"] = "true",
            ["ReverseProxy:Clusters:anthropic:HttpClient:DangerousAcceptAnyServerCertificate"] = "true",
            ["ReverseProxy:Clusters:search:HttpClient:DangerousAcceptAnyServerCertificate"] = "true",
            ["ReverseProxy:Clusters:gemini:HttpClient:DangerousAcceptAnyServerCertificate"] = "true",
            // Round numbers make the expected spend easy to check by hand.
            ["Models:test-model:Cluster"] = "openai",
            ["Models:test-model:ModelRatio"] = "1",
            ["Models:test-model:CompletionRatio"] = "2",
            ["Models:test-model:CacheRatio"] = "0.5",
            ["Models:renamed-model:Cluster"] = "openai",
            ["Models:renamed-model:UpstreamModel"] = "upstream-name",
            // A Gemini-format cluster's model: $1 per 1M input tokens, $4 output, cached input at a quarter.
            ["Models:gemini-flash:Cluster"] = "gemini",
            ["Models:gemini-flash:UpstreamModel"] = "gemini-2.5-flash",
            ["Models:gemini-flash:ModelRatio"] = "0.5",
            ["Models:gemini-flash:CompletionRatio"] = "4",
            ["Models:gemini-flash:CacheRatio"] = "0.25",
        };
        // On PostgreSQL without Redis, start-up refuses limits unless the operator accepts per-instance windows
        // (SPEC §10); the single-instance tests of limits run on either store. A test may set it otherwise.
        if (connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase))
            config["Gateway:PerInstanceRateLimits"] = "true";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            config[key] = value;

        var logs = new CapturingLoggerProvider();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.ConfigureLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace).AddFilter(_ => true));
            builder.UseEnvironment("Testing");
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.ConfigureAppConfiguration((_, c) => c.AddInMemoryCollection(config));
            if (clock is not null)
                builder.ConfigureTestServices(s => s.AddSingleton(clock));
        });
        factory.UseKestrel();
        try
        {
            factory.StartServer();
        }
        catch
        {
            await factory.DisposeAsync();
            await upstream.DisposeAsync();
            throw;
        }
        var address = new Uri(factory.ClientOptions.BaseAddress.GetLeftPart(UriPartial.Authority));
        return new GatewayHost(factory, upstream, directory, ServerAddress(factory) ?? address, logs, config["ConnectionStrings:Gateway"]!);
    }

    private static Uri? ServerAddress(WebApplicationFactory<Program> factory)
    {
        var server = (Microsoft.AspNetCore.Hosting.Server.IServer)factory.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer))!;
        var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault();
        return first is null ? null : new Uri(first.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").Replace("localhost", "127.0.0.1"));
    }

    /// <summary>A plain HTTP client to the gateway, with a bearer key when given.</summary>
    public HttpClient NewClient(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<long> CreateAccountAsync(decimal balance, string name = "acme", bool recordIp = false)
    {
        var response = await Admin.PostAsJsonAsync("/admin/accounts", new { name, balance, record_ip = recordIp });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public async Task<string> CreateKeyAsync(long accountId, string name = "ci", string? group = null)
    {
        var response = await Admin.PostAsJsonAsync("/admin/keys", new { account_id = accountId, name, group });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public async Task<decimal> BalanceAsync(long accountId) =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/admin/accounts/{accountId}")).GetProperty("balance").GetDecimal();

    /// <summary>Rows newest first, as the operator sees them.</summary>
    public async Task<JsonElement[]> LogsAsync(int pageSize = 1000) =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/logs?page_size={pageSize}")).GetProperty("items").EnumerateArray().ToArray();

    public async Task<JsonElement[]> RowsOfTypeAsync(string type) =>
        (await LogsAsync()).Where(r => r.GetProperty("type").GetString() == type).ToArray();

    /// <summary>Appends rows with chosen times, models and groups through the real store (and its writer).</summary>
    public async Task SeedAsync(IEnumerable<global::Metering.Logs.LogRecord> rows)
    {
        var ledger = (global::Metering.Ledger.LedgerAppender)Services.GetService(typeof(global::Metering.Ledger.LedgerAppender))!;
        await Task.WhenAll(rows.Select(r => ledger.AppendAsync(r)));
    }

    /// <summary>GET as the operator (or with <paramref name="key"/>); the status and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(string url, string? key = AdminKey)
    {
        using var client = NewClient(key);
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>
    /// Reads the database directly, beside the gateway (WAL allows it), after moving the inbox's rows
    /// to the log as every read of the query API does (unless <paramref name="moveInboxFirst"/> is false:
    /// the file as it is, to see where rows are, or without waiting for the writer). On PostgreSQL, the
    /// same SQL on a connection of its own.
    /// </summary>
    public async Task<T> QueryScalarAsync<T>(string sql, bool moveInboxFirst = true)
    {
        if (moveInboxFirst)
            await ((global::Metering.Storage.IStoreMaintenance)Services.GetService(typeof(global::Metering.Storage.IStoreMaintenance))!).MoveLogsAsync();
        await using System.Data.Common.DbConnection connection = OnPostgres
            ? new Npgsql.NpgsqlConnection(ConnectionString + ";Pooling=false")
            : await SqliteFiles.OpenAsync(DatabasePath);
        if (OnPostgres)
            await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T));
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await _factory.DisposeAsync();
        await Upstream.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
