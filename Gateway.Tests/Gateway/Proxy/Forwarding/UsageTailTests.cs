using System.IO.Compression;
using System.Text;
using Gateway.Proxy.Forwarding;

namespace Gateway.Tests.Gateway.Proxy.Forwarding;

public class UsageTailTests
{
    [Theory]
    [InlineData("""lorem ipsum"}}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""", """{"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""")]
    [InlineData("""...","stop_reason":"end_turn","usage" : { "input_tokens":1, "output_tokens":2 } }""", """{"usage":{ "input_tokens":1, "output_tokens":2 }}""")]
    [InlineData("""text with an escaped \"usage\": {\"x\":1} inside a string"}]}""", null)]
    [InlineData("""no usage at all""", null)]
    [InlineData(""","usage":null}""", null)]
    [InlineData("""lorem"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":31,"candidatesTokenCount":47},"modelVersion":"gemini-2.5-flash","responseId":"r1"}""",
        """{"usageMetadata":{"promptTokenCount":31,"candidatesTokenCount":47}}""")]
    public void TryExtract_TheTailOfABody_FindsTheLastTopLevelUsage(string tail, string? expected)
    {
        var found = UsageTail.TryExtract(Encoding.UTF8.GetBytes(tail));
        (found is null ? null : Encoding.UTF8.GetString(found)).Should().Be(expected);
    }

    [Fact]
    public void TryDecode_ZipBomb_StopsAtTheCap()
    {
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(new byte[50_000_000]);

        var decoded = BodyDecoding.TryDecode("gzip", packed.ToArray(), maxBytes: 1_000_000);

        packed.Length.Should().BeLessThan(100_000);
        decoded.Should().HaveCount(1_000_000);
    }

    [Fact]
    public void TryDecode_NotGzip_IsNull() => BodyDecoding.TryDecode("gzip", "plain"u8, 100).Should().BeNull();
}
