using System.Text;
using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class SseEventTests
{
    [Theory]
    [InlineData("data: hello\n\n", true, "", "hello")]
    [InlineData("event: ping\ndata: {}\n\n", true, "ping", "{}")]
    [InlineData("data:hello\n\n", true, "", "hello")]
    [InlineData("data:  two spaces\n\n", true, "", " two spaces")]
    [InlineData("data: a\ndata: b\n\n", true, "", "a\nb")]
    [InlineData("data: a\r\ndata: b\r\n\r\n", true, "", "a\nb")]
    [InlineData("data: a\rdata: b\r\r", true, "", "a\nb")]
    [InlineData("data: a\ndata:\ndata: b\n\n", true, "", "a\n\nb")]
    [InlineData(": comment\ndata: x\n\n", true, "", "x")]
    [InlineData("foo: bar\nid: 7\nretry: 10\ndata: x\n\n", true, "", "x")]
    [InlineData("event: a\nevent: b\ndata: x\n\n", true, "b", "x")]
    [InlineData("data\n\n", true, "", "")]
    [InlineData("data:\n\n", true, "", "")]
    [InlineData("data: unterminated", true, "", "unterminated")]
    [InlineData("\ndata: after a stray line end\r\n\r\n", true, "", "after a stray line end")]
    [InlineData("\uFEFFdata: after a BOM\n\n", true, "", "after a BOM")]
    [InlineData(": only a comment\n\n", false, "", "")]
    [InlineData("id: 1\nretry: 10\n\n", false, "", "")]
    [InlineData("event: ping\n\n", false, "ping", "")]
    [InlineData("Data: case matters\n\n", false, "", "")]
    [InlineData("", false, "", "")]
    public void TryParse_Event_FollowsWhatwgRules(string raw, bool dispatched, string eventName, string data)
    {
        var parsed = SseEvent.TryParse(Encoding.UTF8.GetBytes(raw), out var name, out var value);

        parsed.Should().Be(dispatched);
        Encoding.UTF8.GetString(name).Should().Be(eventName);
        Encoding.UTF8.GetString(value).Should().Be(data);
    }

    [Fact]
    public void TryParse_SingleDataLine_ReturnsSliceOfInput()
    {
        var raw = "event: x\ndata: {\"a\":1}\n\n"u8;

        SseEvent.TryParse(raw, out var name, out var data).Should().BeTrue();

        data.Overlaps(raw).Should().BeTrue();
        name.Overlaps(raw).Should().BeTrue();
    }

    [Fact]
    public void TryParse_SeveralDataLines_JoinsIntoNewArray()
    {
        var raw = "data: {\"a\":\ndata: 1}\n\n"u8;

        SseEvent.TryParse(raw, out _, out var data).Should().BeTrue();

        data.Overlaps(raw).Should().BeFalse();
        Encoding.UTF8.GetString(data).Should().Be("{\"a\":\n1}");
    }
}
