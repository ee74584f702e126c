using System.Text;
using Gateway.Proxy.Multipart;

namespace Gateway.Tests.Gateway.Proxy.Multipart;

public class MultipartFormScannerTests
{
    private const string Boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

    private static readonly byte[] Form = Encoding.UTF8.GetBytes(
        $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"model.png\"\r\nContent-Type: image/png\r\n\r\n" +
        "\r\n--not-the-boundary name=\"model\"\r\n\r\nfake\r\n" +
        $"\r\n--{Boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ndall-e-2\r\n" +
        $"--{Boundary}\r\nContent-Disposition: form-data; name=n\r\n\r\n3\r\n" +
        $"--{Boundary}\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\n{new string('x', 300)}\r\n" +
        $"--{Boundary}--\r\n");

    private static MultipartFormScanner Scan(int pieceSize)
    {
        var scanner = new MultipartFormScanner(Boundary);
        for (var i = 0; i < Form.Length; i += pieceSize)
            scanner.Append(Form.AsSpan(i, Math.Min(pieceSize, Form.Length - i)));
        return scanner;
    }

    [Fact]
    public void Append_SplitAtEveryByte_SameFieldsAndModelRange()
    {
        var whole = Scan(Form.Length);
        for (var size = 1; size < 64; size++)
        {
            var pieces = Scan(size);
            pieces.Fields.Should().BeEquivalentTo(whole.Fields, $"pieces of {size} bytes");
            pieces.ModelValue.Should().Be(whole.ModelValue);
        }
        whole.Done.Should().BeTrue();
        whole.Error.Should().BeNull();
        whole.Fields["model"].Should().Be("dall-e-2", "a file's content that looks like a field is not one");
        whole.Fields["n"].Should().Be("3");
        whole.Fields["size"].Should().BeNull("a value over the bound is not kept");
        var (start, end) = (whole.ModelValue!.Value.Start.Value, whole.ModelValue.Value.End.Value);
        Encoding.UTF8.GetString(Form.AsSpan(start, end - start)).Should().Be("dall-e-2");
    }

    [Fact]
    public void Append_HeadersNeverEnd_ErrorBounded()
    {
        var scanner = new MultipartFormScanner(Boundary);
        scanner.Append(Encoding.ASCII.GetBytes($"--{Boundary}\r\nX-Padding: "));
        scanner.Append(new byte[20_000]);

        scanner.Error.Should().Contain("headers");
    }
}
