using System.Text;
using System.Text.Json;
using Gateway.Proxy;
using Metering.Usage;
using Gateway.Proxy.Admission;

namespace Gateway.Tests.Gateway.Proxy.Admission;

/// <summary>What the pipeline reads from a model call's body, and the bytes it sends upstream instead.</summary>
public class ModelRequestTests
{
    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"model\":\"m\"", "not valid JSON")]
    [InlineData("{\"model\":\"m\"} x", "not valid JSON")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    [InlineData("{\"messages\":[]}", "Missing required parameter: 'model'")]
    [InlineData("{\"model\":3}", "'model' must be a non-empty string")]
    [InlineData("{\"model\":\"\"}", "'model' must be a non-empty string")]
    [InlineData("{\"model\":\"cheap\",\"model\":\"dear\"}", "'model' appears more than once")]
    [InlineData("{\"model\":\"m\",\"stream_options\":{\"include_usage\":false,\"include_usage\":true}}", "'stream_options.include_usage' appears more than once")]
    [InlineData("{\"model\":\"\\ud800\"}", "lone UTF-16 surrogate")]
    [InlineData("{\"model\":\"a\\udc00b\"}", "lone UTF-16 surrogate")]
    [InlineData("{\"model\":\"m\",\"stream\":\"true\"}", "'stream' must be a boolean")]
    [InlineData("{\"model\":\"m\",\"stream\":1}", "'stream' must be a boolean")]
    [InlineData("{\"model\":\"m\",\"stream\":{}}", "'stream' must be a boolean")]
    [InlineData("{\"model\":\"m\",\"stream\":true,\"stream_options\":5}", "'stream_options' must be an object")]
    [InlineData("{\"model\":\"m\",\"stream\":true,\"stream_options\":[]}", "'stream_options' must be an object")]
    [InlineData("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}}", "'stream_options.include_usage' must be a boolean")]
    [InlineData("{\"model\":[\"m\"]}", "'model' must be a non-empty string")]
    [InlineData("{\"model\":null}", "'model' must be a non-empty string")]
    [InlineData("\uFEFF{\"model\":\"m\"}", "byte order mark")]
    [InlineData("null", "must be a JSON object")]
    [InlineData("12e999999", "must be a JSON object")]
    [InlineData("{\"model\":\"m\",\"n\":1e99999999999}", null)]
    public void Parse_BadBody_IsRefusedWithAMessage(string body, string? message)
    {
        var request = ModelRequest.Parse(Encoding.UTF8.GetBytes(body), out var refusal);

        if (message is null)
        {
            // Huge numbers are the upstream's to judge: skipped, never converted.
            refusal.Should().BeNull();
            request.Model.Should().Be("m");
            return;
        }
        refusal!.Status.Should().Be(400);
        refusal.Message.Should().Contain(message);
    }

    [Theory]
    [InlineData(0xFF)]
    [InlineData(0xC0)]
    [InlineData(0xED)] // with A0 80 below: an encoded surrogate
    public void Parse_ModelNotUtf8_IsRefused(byte bad)
    {
        byte[] body = [.. "{\"model\":\"ab"u8, bad, 0xA0, 0x80, .. "\"}"u8];

        var request = ModelRequest.Parse(body, out var refusal);

        refusal!.Status.Should().Be(400);
        refusal.Message.Should().Contain("not valid UTF-8");
        request.Model.Should().StartWith("ab");
    }

    [Fact]
    public void Parse_DeepNesting_IsRefusedNotThrown()
    {
        var body = "{\"model\":\"m\",\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        ModelRequest.Parse(Encoding.UTF8.GetBytes(body), out var refusal);

        refusal!.Message.Should().Contain("not valid JSON");
    }

    [Theory]
    [InlineData(256, false)]
    [InlineData(257, true)]
    public void Parse_ModelAt256Utf8Bytes_IsTheLimit(int bytes, bool refused)
    {
        // 'é' is two bytes: an odd limit leaves half of one, which the row's copy must not keep.
        var model = new string('a', bytes % 2) + new string('é', bytes / 2);

        var request = ModelRequest.Parse(Encoding.UTF8.GetBytes($$"""{"model":"{{model}}"}"""), out var refusal);

        (refusal is not null).Should().Be(refused);
        Encoding.UTF8.GetByteCount(request.Model).Should().BeLessThanOrEqualTo(256);
        model.Should().StartWith(request.Model);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parse_MegabyteModel_RefusedAndCutTo256Bytes(bool escaped)
    {
        var model = escaped ? string.Concat(Enumerable.Repeat("\\u00e9", 200_000)) : new string('é', 500_000);

        var request = ModelRequest.Parse(Encoding.UTF8.GetBytes($$"""{"model":"{{model}}"}"""), out var refusal);

        refusal!.Message.Should().Contain("longer than 256 UTF-8 bytes");
        Encoding.UTF8.GetByteCount(request.Model).Should().BeInRange(250, 256);
    }

    [Fact]
    public void Parse_ReadsModelAndStream_PastNestedValues()
    {
        var request = Parse("""{"messages":[{"role":"user","content":"{\"model\":\"x\"}"}],"mo\u0064el":"gpt-4o","stream":true}""");

        request.Model.Should().Be("gpt-4o");
        request.Stream.Should().BeTrue();
    }

    [Fact]
    public void Rewrite_NothingToChange_SendsTheClientsBytes()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m",  "messages":[]}""");

        ModelRequest.Parse(body, out _).RewriteForUpstream("m", WireFormat.OpenAIChat, body).Should().BeSameAs(body);
    }

    [Fact]
    public void Rewrite_RenamedModel_ReplacesOnlyThatValue()
    {
        var body = """{"model":"alias", "temperature":0.5,"messages":[{"role":"user","content":"hi"}]}""";

        Rewrite(body, "vendor/real-1", WireFormat.OpenAIChat, out _)
            .Should().Be("""{"model":"vendor/real-1", "temperature":0.5,"messages":[{"role":"user","content":"hi"}]}""");
        var escaped = Rewrite(body, "odd \"name\"", WireFormat.OpenAIChat, out _);
        JsonDocument.Parse(escaped).RootElement.GetProperty("model").GetString().Should().Be("odd \"name\"");
    }

    [Theory]
    [InlineData("""{"model":"m","stream":true}""", """{"stream_options":{"include_usage":true},"model":"m","stream":true}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":{}}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":{"x":1}}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true,"x":1}}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":{"include_usage":false}}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":null}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    public void Rewrite_OpenAIStream_AsksForUsage(string body, string expected)
    {
        Rewrite(body, "m", WireFormat.OpenAIChat, out var clientAsked).Should().Be(expected);
        clientAsked.Should().BeFalse();
    }

    [Fact]
    public void Rewrite_ClientAskedForUsage_IsRemembered_AndTheBodyKept()
    {
        const string body = """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""";

        Rewrite(body, "m", WireFormat.OpenAICompletions, out var clientAsked).Should().Be(body);
        clientAsked.Should().BeTrue();
    }

    [Fact]
    public void Rewrite_RenameAndUsageRequest_BothLand_InEitherOrder()
    {
        Rewrite("""{"stream":true,"stream_options":{},"model":"alias"}""", "real", WireFormat.OpenAIChat, out _)
            .Should().Be("""{"stream":true,"stream_options":{"include_usage":true},"model":"real"}""");
        Rewrite("""{"model":"alias","stream":true}""", "real", WireFormat.OpenAIChat, out _)
            .Should().Be("""{"stream_options":{"include_usage":true},"model":"real","stream":true}""");
    }

    [Theory]
    [InlineData(WireFormat.AnthropicMessages)]
    [InlineData(WireFormat.OpenAIResponses)]
    public void Rewrite_OtherFormats_NeverGetStreamOptions(WireFormat format)
    {
        const string body = """{"model":"m","stream":true}""";

        Rewrite(body, "m", format, out _).Should().Be(body);
    }

    private static ModelRequest Parse(string body)
    {
        var request = ModelRequest.Parse(Encoding.UTF8.GetBytes(body), out var refusal);
        refusal.Should().BeNull();
        return request;
    }

    private static string Rewrite(string body, string upstreamModel, WireFormat format, out bool clientAskedForUsage)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = Parse(body);
        var sent = request.RewriteForUpstream(upstreamModel, format, bytes);
        clientAskedForUsage = request.ClientAskedForUsage;
        using var _ = JsonDocument.Parse(sent); // always valid JSON
        return Encoding.UTF8.GetString(sent);
    }
}
