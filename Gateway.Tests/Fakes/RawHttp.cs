using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Fakes;

/// <summary>
/// HTTP/1.1 written by hand, for what <see cref="HttpClient"/> will not send: a body shorter than its
/// Content-Length, repeated headers, a raw backslash in the target. Asks the server to close, reads to the end.
/// </summary>
public static class RawHttp
{
    public static async Task<(int Status, string Body)> SendAsync(Uri address, string method, string target, IEnumerable<string> headers, byte[] body, bool halfClose = false)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await tcp.ConnectAsync(address.Host, address.Port, timeout.Token);
        var stream = tcp.GetStream();
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n");
        foreach (var header in headers)
            head.Append(header).Append("\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.Append("\r\n").ToString()), timeout.Token);
        await stream.WriteAsync(body, timeout.Token);
        if (halfClose)
            tcp.Client.Shutdown(SocketShutdown.Send);
        var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
            // A reset after the response: what arrived is the answer.
        }
        return Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    private static (int Status, string Body) Parse(string response)
    {
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
            return (0, "");
        var head = response[..split];
        var body = response[(split + 4)..];
        var status = int.Parse(head.Split(' ', 3)[1]);
        if (head.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
            body = Dechunk(body);
        return (status, body);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0)
                break;
            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (size == 0)
                break;
            // Sizes count bytes; the bodies here are ASCII JSON.
            result.Append(chunked, lineEnd + 2, Math.Min(size, chunked.Length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return result.ToString();
    }
}
