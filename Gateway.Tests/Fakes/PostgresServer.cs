using System.Diagnostics;
using Npgsql;

namespace Gateway.Tests.Fakes;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: <c>initdb</c> into a temp folder (as the
/// <c>postgres</c> user when we are root, as initdb refuses root), started by <c>pg_ctl</c> on a free
/// loopback port with fsync off, stopped and deleted at the end. One cluster serves every test; each
/// test takes a database of its own (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim StartLock = new(1, 1);
    private static PostgresServer? _shared;

    private readonly string _directory;

    private PostgresServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    // A pool of 40 per gateway: a burst of first requests each looks its key up on a reader connection,
    // and Npgsql's default of 100 from one host alone would use up the cluster's connections.
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=40;Include Error Detail=true";

    /// <summary>The run's cluster, started on first use and stopped when the test process exits.</summary>
    public static async Task<PostgresServer> SharedAsync()
    {
        await StartLock.WaitAsync();
        try
        {
            if (_shared is null)
            {
                _shared = await StartAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            return _shared;
        }
        finally
        {
            StartLock.Release();
        }
    }

    /// <summary>A fresh, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "gw_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public static async Task<PostgresServer> StartAsync()
    {
        RemoveStoppedClusters();
        var directory = Path.Combine(Path.GetTempPath(), "gateway-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var data = Path.Combine(directory, "data");
        var port = FreePort.Next();
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
            await RunAsync("chown", $"postgres {directory}", asPostgres: false);
        await RunAsync(Tool("initdb"), $"--no-sync -A trust -U postgres -E UTF8 --locale=C.UTF-8 -D {data}", asPostgres);
        var options = $"-c listen_addresses=127.0.0.1 -c port={port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c unix_socket_directories={directory}";
        await RunAsync(Tool("pg_ctl"), $"-w -t 60 -D {data} -l {Path.Combine(directory, "server.log")} -o \"{options}\" start", asPostgres);
        return new PostgresServer(directory, port);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(Tool("pg_ctl"), $"-w -D {Path.Combine(_directory, "data")} -m immediate stop", Environment.UserName == "root");
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Folders of earlier runs whose server has stopped (no <c>postmaster.pid</c>): a test process may be ended
    /// before its exit handler has deleted its own.
    /// </summary>
    private static void RemoveStoppedClusters()
    {
        foreach (var stale in Directory.GetDirectories(Path.GetTempPath(), "gateway-pg-*"))
        {
            if (File.Exists(Path.Combine(stale, "data", "postmaster.pid")))
                continue;
            try { Directory.Delete(stale, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Debian keeps the server tools under /usr/lib/postgresql/&lt;version&gt;/bin, off the PATH.</summary>
    private static string Tool(string name)
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        return versions.OrderByDescending(v => v).Select(v => Path.Combine(v, "bin", name)).FirstOrDefault(File.Exists) ?? name;
    }

    private static async Task RunAsync(string file, string arguments, bool asPostgres)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {await output}{await error}");
    }
}
