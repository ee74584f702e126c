using System.Diagnostics;
using StackExchange.Redis;

namespace Gateway.Tests.Fakes;

/// <summary>A throwaway <c>redis-server</c> on a free loopback port, nothing saved to disk; killed on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis syntax, as <c>ConnectionStrings:Redis</c> takes it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var port = FreePort.Next();
        var start = new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var server = new RedisServer(process, port);
        for (var tries = 0; ; tries++)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"{server.ConnectionString},connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return server;
            }
            catch (RedisConnectionException) when (tries < 50 && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
