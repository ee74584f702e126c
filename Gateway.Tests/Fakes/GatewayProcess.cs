using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Gateway.Tests.Fakes;

/// <summary>
/// The gateway as its own OS process (the built Gateway.dll), so tests can kill it with SIGKILL or
/// stop it with SIGTERM and start it again on the same database (a SQLite file, or PostgreSQL).
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="databasePath">The SQLite file; its folder is the working directory.</param>
    /// <param name="connectionString">Another store instead of the file (a PostgreSQL <c>Host=</c> string, shared by several processes).</param>
    /// <param name="settings">More configuration, as <c>--Key=Value</c> arguments (e.g. <c>ConnectionStrings:Redis</c>, groups).</param>
    public static async Task<GatewayProcess> StartAsync(string databasePath, string upstreamAddress, int? port = null, string? connectionString = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        port ??= FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(databasePath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Gateway.dll"),
            "--urls", $"http://127.0.0.1:{port}",
            $"--ConnectionStrings:Gateway={connectionString ?? $"Data Source={databasePath}"}",
            $"--Gateway:AdminKey={GatewayHost.AdminKey}",
            $"--ReverseProxy:Clusters:openai:Destinations:default:Address={upstreamAddress}",
            $"--ReverseProxy:Clusters:openai:Metadata:ApiKey={GatewayHost.UpstreamKey}",
            "--Models:test-model:Cluster=openai",
            "--Models:test-model:CompletionRatio=2",
            "--Logging:LogLevel:Default=Warning",
        }.Concat((settings ?? new Dictionary<string, string>()).Select(s => $"--{s.Key}={s.Value}")))
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        // Drain the output so the child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new GatewayProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await gateway.WaitUntilHealthyAsync();
        return gateway;
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the gateway exited with {_process.ExitCode} before it was healthy");
            try
            {
                if ((await client.GetAsync("/healthz")).IsSuccessStatusCode)
                    return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or (on a loaded box, e.g. beside the bench smoke run) too slow to answer in 2 s.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the gateway did not become healthy");
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: what a container runtime sends to stop it.</summary>
    public void Terminate() => SendSignal(_process.Id, Sigterm);

    public Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        return _process.WaitForExitAsync(cancellation.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
