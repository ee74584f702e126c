using System.Text;
using Gateway.Proxy.Forwarding;

namespace Gateway.Tests.Gateway.Proxy.Forwarding;

public class UpstreamErrorTextTests
{
    [Theory]
    [InlineData("""{"error":{"message":"Rate limit reached","type":"requests"}}""", "application/json", "Rate limit reached")]
    [InlineData("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", "application/json", "Overloaded")]
    [InlineData("""[{"error":{"code":400,"message":"API key not valid","status":"INVALID_ARGUMENT"}}]""", "application/json", "API key not valid")]
    [InlineData("""{"detail":"Not authenticated"}""", "application/json", "Not authenticated")]
    [InlineData("""{"error":"model not loaded"}""", "application/json", "model not loaded")]
    [InlineData("<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>", "text/html", "502 Bad Gateway")]
    [InlineData("<!DOCTYPE html><html><head><script>var x=1;</script></head><body>\n  <p>Service  &amp; more\nunavailable</p></body></html>", null, "Service & more unavailable")]
    [InlineData("upstream connect error or disconnect/reset before headers", "text/plain", "upstream connect error or disconnect/reset before headers")]
    [InlineData("""{"error":{"message":"cut""", "application/json", """{"error":{"message":"cut""")]
    public void Describe_AnyBody_SaysWhatItSays(string body, string? mediaType, string expected) =>
        UpstreamErrorText.Describe(Encoding.UTF8.GetBytes(body), mediaType, secret: null).Should().Be(expected);

    [Fact]
    public void Describe_RepeatedCredential_IsMasked() =>
        UpstreamErrorText.Describe("""{"error":{"message":"Incorrect API key provided: sk-abc123."}}"""u8, "application/json", "sk-abc123")
            .Should().Be("Incorrect API key provided: ***.");

    [Fact]
    public void Describe_HugeText_IsBounded() =>
        UpstreamErrorText.Describe(Encoding.UTF8.GetBytes(new string('e', 20_000)), "text/plain", null).Length
            .Should().Be(UpstreamErrorText.MaxLength + 1);
}
