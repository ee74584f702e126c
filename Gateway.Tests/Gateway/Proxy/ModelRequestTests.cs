using System.Text;
using System.Text.Json;
using Gateway.Proxy;
using Metering.Usage;

namespace Gateway.Tests.Gateway.Proxy;

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
    public void Parse_BadBody_IsRefusedWithAMessage(string body, string message)
    {
        var request = ModelRequest.Parse(Encoding.UTF8.GetBytes(body), out var refusal);

        request.Should().BeNull();
        refusal!.Status.Should().Be(400);
        refusal.Message.Should().Contain(message);
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
