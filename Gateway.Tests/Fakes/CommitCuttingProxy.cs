using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Fakes;

/// <summary>
/// A TCP relay in front of PostgreSQL that, once armed, lets the next COMMIT happen on the server and
/// then cuts the connection before the client hears that it did: the one failure where only the
/// batch's own id can tell the writer its batch committed. It watches the server's replies for the
/// CommandComplete message of a COMMIT (<c>'C'</c>, length 11, <c>COMMIT\0</c>).
/// </summary>
public sealed class CommitCuttingProxy : IAsyncDisposable
{
    private static readonly byte[] CommitComplete = [(byte)'C', 0, 0, 0, 11, .. Encoding.ASCII.GetBytes("COMMIT"), 0];

    private readonly TcpListener _listener;
    private readonly int _serverPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _armed;

    private CommitCuttingProxy(int serverPort)
    {
        _serverPort = serverPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when a COMMIT was cut.</summary>
    public Task Cut => _cut.Task;

    public static CommitCuttingProxy Start(int serverPort) => new(serverPort);

    /// <summary>The next COMMIT that completes on the server is never reported to its client.</summary>
    public void Arm() => _armed = true;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        using (client)
        {
            await server.ConnectAsync(IPAddress.Loopback, _serverPort);
            var up = CopyAsync(client.GetStream(), server.GetStream(), watch: false);
            var down = CopyAsync(server.GetStream(), client.GetStream(), watch: true);
            await Task.WhenAny(up, down);
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to, bool watch)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (watch && _armed && buffer.AsSpan(0, read).IndexOf(CommitComplete) >= 0)
                {
                    _armed = false;
                    _cut.TrySetResult();
                    return; // both sockets close: the COMMIT's answer is lost with the connection
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested || true)
        {
            // A relay ends when either side goes: nothing to report.
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }
}
