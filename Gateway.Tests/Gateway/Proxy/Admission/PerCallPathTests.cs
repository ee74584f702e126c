using Gateway.Proxy;
using Gateway.Proxy.Admission;

namespace Gateway.Tests.Gateway.Proxy.Admission;

/// <summary>The per-call {rest} (as the server decoded it once) and the upstream path made of it.</summary>
public class PerCallPathTests
{
    [Theory]
    [InlineData("res/v1/search", "/res/v1/search")]
    [InlineData("hello world", "/hello%20world")]
    [InlineData("a%41", "/a%2541")] // the text "%41" stays that text upstream, never "A"
    [InlineData("100%", "/100%25")]
    [InlineData("a:b@c", "/a:b@c")]
    [InlineData("", "/")]
    public void ToUpstream_Text_EncodedSoTheUpstreamDecodesItBack(string rest, string expected)
    {
        var path = PerCallPath.ToUpstream(rest, out var refusal);

        refusal.Should().BeNull();
        path.Should().Be(expected);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/./b")]
    [InlineData("a\\b")]
    [InlineData("..%2fadmin")]
    [InlineData("%5Cadmin")]
    [InlineData("%2E%2E/admin")]
    [InlineData("%252e%252e/admin")]
    [InlineData("%25252F")]
    public void ToUpstream_PathThatCouldClimb_IsRefused(string rest)
    {
        PerCallPath.ToUpstream(rest, out var refusal).Should().BeNull();

        refusal!.Status.Should().Be(400);
    }
}
