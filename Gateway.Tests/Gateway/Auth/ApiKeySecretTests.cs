using Gateway.Auth;

namespace Gateway.Tests.Gateway.Auth;

public class ApiKeySecretTests
{
    [Fact]
    public void Generate_IsPrefixedUniqueAndLong()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => ApiKeySecret.Generate()).ToList();

        keys.Should().OnlyHaveUniqueItems();
        keys.Should().AllSatisfy(k =>
        {
            k.Should().StartWith(ApiKeySecret.Prefix);
            k.Length.Should().BeGreaterThanOrEqualTo(ApiKeySecret.Prefix.Length + 43);
        });
    }

    [Fact]
    public void Hash_IsSha256AndDoesNotContainTheSecret()
    {
        var secret = ApiKeySecret.Generate();

        var hash = ApiKeySecret.Hash(secret);

        hash.Should().HaveCount(32);
        hash.Should().Equal(ApiKeySecret.Hash(secret));
        hash.Should().NotEqual(ApiKeySecret.Hash(secret + "x"));
    }

    [Fact]
    public void Hint_ShowsOnlyTheLastFourCharacters()
    {
        var secret = ApiKeySecret.Generate();

        var hint = ApiKeySecret.Hint(secret);

        hint.Should().EndWith(secret[^4..]);
        hint.Should().NotContain(secret[ApiKeySecret.Prefix.Length..^4]);
    }

    [Theory]
    [InlineData("same-secret", "same-secret", true)]
    [InlineData("same-secret", "same-secreT", false)]
    [InlineData("short", "much-longer-value", false)]
    public void FixedTimeEquals_ComparesWholeValues(string a, string b, bool expected) =>
        ApiKeySecret.FixedTimeEquals(a, b).Should().Be(expected);
}
