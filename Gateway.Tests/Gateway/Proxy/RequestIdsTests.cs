using Gateway.Proxy;

namespace Gateway.Tests.Gateway.Proxy;

/// <summary>Request ids are UUIDv7 (RFC 9562) in hex after <c>req_</c>: time-ordered and unique.</summary>
public class RequestIdsTests
{
    [Fact]
    public void New_IsAVersion7UuidCarryingTheTime()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_123);

        var id = RequestIds.New(now);

        id.Should().MatchRegex("^req_[0-9a-f]{32}$");
        var uuid = Guid.ParseExact(id["req_".Length..], "N");
        uuid.Version.Should().Be(7);
        uuid.Variant.Should().BeInRange(8, 11, "the RFC 9562 variant is binary 10xx");
        Convert.ToInt64(id.Substring(4, 12), 16).Should().Be(now.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void New_IsUniqueWithinOneMillisecond_AndOrderedAcrossMilliseconds()
    {
        var now = DateTimeOffset.UtcNow;
        var sameMillisecond = Enumerable.Range(0, 100_000).Select(_ => RequestIds.New(now)).ToHashSet();
        sameMillisecond.Should().HaveCount(100_000);

        var earlier = RequestIds.New(now);
        var later = RequestIds.New(now.AddMilliseconds(1));
        string.CompareOrdinal(earlier, later).Should().BeNegative();
    }
}
