using Gateway.Cluster.ChangeFeed;

namespace Gateway.Tests.Gateway.Cluster.ChangeFeed;

public class ChangeNoticeTests
{
    [Theory]
    [InlineData(nameof(ChangeKind.KeyRevoked), 12, "key-revoked:12")]
    [InlineData(nameof(ChangeKind.KeyChanged), 1, "key-changed:1")]
    [InlineData(nameof(ChangeKind.AccountChanged), 9007199254740993, "account-changed:9007199254740993")]
    [InlineData(nameof(ChangeKind.PricesChanged), 0, "prices-changed:0")]
    public void ToWire_EachKind_ReadBackAsItself(string kind, long id, string wire)
    {
        var notice = new ChangeNotice(Enum.Parse<ChangeKind>(kind), id);

        notice.ToWire().Should().Be(wire);
        ChangeNotice.TryParse(wire, out var parsed).Should().BeTrue();
        parsed.Should().Be(notice);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("key-revoked")]
    [InlineData("key-revoked:")]
    [InlineData("key-revoked:-1")]
    [InlineData("key-revoked:1x")]
    [InlineData(":5")]
    [InlineData("policy-changed:5")]   // a kind a newer instance may send: ignored, not misread
    public void TryParse_NotANoticeThisBuildKnows_False(string? wire) =>
        ChangeNotice.TryParse(wire, out _).Should().BeFalse();
}
