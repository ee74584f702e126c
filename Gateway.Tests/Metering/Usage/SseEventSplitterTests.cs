using System.Text;
using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class SseEventSplitterTests
{
    [Theory]
    [InlineData("data: a\n\ndata: b\n\n", "data: a\n\n|data: b\n\n")]
    [InlineData("data: a\r\n\r\ndata: b\r\n\r\n", "data: a\r\n\r\n|data: b\r\n\r\n")]
    [InlineData("data: a\r\rdata: b\r\r", "data: a\r\r|data: b\r\r")]
    [InlineData("data: a\r\n\ndata: b\n\r\ndata: c\r\rdata: d\n\r", "data: a\r\n\n|data: b\n\r\n|data: c\r\r|data: d\n\r")]
    [InlineData("event: x\ndata: a\ndata: b\n\n", "event: x\ndata: a\ndata: b\n\n")]
    [InlineData("\n\ndata: a\n\n", "\n|\n|data: a\n\n")]
    [InlineData("data: a\n", "")]
    public void TryReadEvent_LineEndVariants_CutsAtBlankLines(string stream, string expectedEvents)
    {
        using var splitter = new SseEventSplitter();
        splitter.Append(Encoding.UTF8.GetBytes(stream));

        ReadAll(splitter).Should().Equal(expectedEvents.Length == 0 ? [] : expectedEvents.Split('|'));
    }

    [Fact]
    public void TryReadEvent_MixedStreamSplitAtEveryByte_SameDataAndBytes()
    {
        var bytes = Encoding.UTF8.GetBytes(
            ": hi\r\n\r\nevent: a\r\ndata: 1\r\n\r\ndata: 2\n\ndata: 3\r\rdata: 4\r\ndata: 5\n\r\ndata: 6\r\n\r\n");
        string[] expected = ["1", "2", "3", "4\n5", "6"];

        for (var position = 0; position <= bytes.Length; position++)
        {
            using var splitter = new SseEventSplitter();
            var forwarded = new List<byte>();
            var data = new List<string>();
            foreach (var chunk in new[] { bytes[..position], bytes[position..] })
            {
                splitter.Append(chunk);
                while (splitter.TryReadEvent(out var rawEvent))
                {
                    forwarded.AddRange(rawEvent.ToArray());
                    if (SseEvent.TryParse(rawEvent.Span, out _, out var eventData))
                    {
                        data.Add(Encoding.UTF8.GetString(eventData));
                    }
                }
            }

            forwarded.AddRange(splitter.TakeRemainder().ToArray());
            data.Should().Equal(expected, "split at byte {0}", position);
            forwarded.Should().Equal(bytes, "split at byte {0}", position);
        }
    }

    [Fact]
    public void TryReadEvent_CrLfSplitAfterCr_EmitsWithoutWaiting()
    {
        using var splitter = new SseEventSplitter();

        splitter.Append("data: a\r\n\r"u8);
        ReadAll(splitter).Should().Equal("data: a\r\n\r");

        splitter.Append("\ndata: b\r\n\r\n"u8);
        ReadAll(splitter).Should().Equal("\ndata: b\r\n\r\n");
    }

    [Fact]
    public void TakeRemainder_UnterminatedTail_ReturnsItAndEmpties()
    {
        using var splitter = new SseEventSplitter();
        splitter.Append("data: a\n\ndata: b"u8);
        ReadAll(splitter).Should().Equal("data: a\n\n");

        Encoding.UTF8.GetString(splitter.TakeRemainder().Span).Should().Be("data: b");
        splitter.BufferedBytes.Should().Be(0);
        splitter.TakeRemainder().IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void TryReadEvent_EventOverCap_EmittedUnfinished()
    {
        using var splitter = new SseEventSplitter(maxEventBytes: 16);
        splitter.Append("data: 0123456789abcdef"u8);

        ReadAll(splitter).Should().Equal("data: 0123456789abcdef");

        splitter.Append("ghij\n\ndata: x\n\n"u8);
        ReadAll(splitter).Should().Equal("ghij\n\n", "data: x\n\n");
    }

    [Fact]
    public void Append_LongStreamInSmallChunks_BufferStaysSmall()
    {
        using var splitter = new SseEventSplitter();
        var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n", 20)));
        var events = 0;

        for (var i = 0; i < 10_000; i++)
        {
            splitter.Append(chunk);
            while (splitter.TryReadEvent(out _))
            {
                events++;
            }
        }

        events.Should().Be(200_000);
        splitter.BufferCapacity.Should().BeLessThanOrEqualTo(4096);
    }

    [Fact]
    public void Append_AfterOneHugeEvent_GivesTheBigBufferBack()
    {
        using var splitter = new SseEventSplitter();
        splitter.Append(Encoding.UTF8.GetBytes("data: " + new string('x', 1_000_000) + "\n\n"));
        splitter.TryReadEvent(out var huge).Should().BeTrue();
        huge.Length.Should().Be(1_000_008);

        splitter.Append("data: small\n\n"u8);

        splitter.BufferCapacity.Should().BeLessThanOrEqualTo(4096);
        ReadAll(splitter).Should().Equal("data: small\n\n");
    }

    [Theory]
    [InlineData(4096, false)]
    [InlineData(16384, false)]
    [InlineData(4096, true)]
    public void TryReadEvent_EightMegabyteEventInSmallReads_ScansEachByteOnce(int readBytes, bool manyLines)
    {
        var body = manyLines
            ? string.Concat(Enumerable.Repeat("data: " + new string('x', 90) + "\n", 8 * 1024 * 1024 / 97))
            : "data: " + new string('x', 8 * 1024 * 1024) + "\n";
        var wire = Encoding.UTF8.GetBytes(body + "\n");
        using var splitter = new SseEventSplitter(maxEventBytes: 16 * 1024 * 1024);
        var events = new List<int>();

        for (var offset = 0; offset < wire.Length; offset += readBytes)
        {
            splitter.Append(wire.AsSpan(offset, Math.Min(readBytes, wire.Length - offset)));
            while (splitter.TryReadEvent(out var rawEvent))
            {
                events.Add(rawEvent.Length);
            }
        }

        events.Should().Equal(wire.Length);
        splitter.ScannedBytes.Should().Be(wire.Length);
        splitter.MovedBytes.Should().BeLessThan(2L * wire.Length);   // doubling: each byte moved about once
    }

    private static List<string> ReadAll(SseEventSplitter splitter)
    {
        var events = new List<string>();
        while (splitter.TryReadEvent(out var rawEvent))
        {
            events.Add(Encoding.UTF8.GetString(rawEvent.Span));
        }

        return events;
    }
}
