using System.Net;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Groups' RPM and TPM per key: a 429 with the headers SDKs read, no upstream call, no charge.</summary>
public class RateLimitTests
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task RequestsPerMinute_ThirdRequest429WithHeadersAndErrorRow()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Groups:limited:Rpm"] = "2" });
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account, group: "limited");
        var client = host.NewClient(key);

        var first = await client.PostAsync("/v1/chat/completions", JsonContent(Plain));
        await client.PostAsync("/v1/chat/completions", JsonContent(Plain));
        var third = await client.PostAsync("/v1/chat/completions", JsonContent(Plain));

        await ShouldBeRpmOfTwoAsync(first, third);
        host.Upstream.Received.Should().HaveCount(2);
        var error = (await host.RowsOfTypeAsync("error")).Single();
        error.GetProperty("status").GetInt32().Should().Be(429);
        error.GetProperty("spend").GetDecimal().Should().Be(0m);
    }

    /// <summary>The first and third of three requests under <c>Rpm</c> 2: the headers SDKs read, and the refusal.</summary>
    internal static async Task ShouldBeRpmOfTwoAsync(HttpResponseMessage first, HttpResponseMessage third)
    {
        first.Headers.GetValues("x-ratelimit-limit-requests").Single().Should().Be("2");
        first.Headers.GetValues("x-ratelimit-remaining-requests").Single().Should().Be("1");
        third.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        int.Parse(third.Headers.GetValues("Retry-After").Single()).Should().BeInRange(1, 60);
        third.Headers.GetValues("x-ratelimit-remaining-requests").Single().Should().Be("0");
        third.Headers.Contains("x-ratelimit-reset-requests").Should().BeTrue();
        (await third.Content.ReadAsStringAsync()).Should().Contain("rate_limit_exceeded");
    }

    [Fact]
    public async Task TokensPerMinute_RefusedOnceTheWindowIsSpent()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Groups:limited:Tpm"] = "30" });
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 12, CompletionTokens = 9 };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m), group: "limited");
        var client = host.NewClient(key);

        (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        var second = await client.PostAsync("/v1/chat/completions", JsonContent(Plain));
        var third = await client.PostAsync("/v1/chat/completions", JsonContent(Plain));

        second.StatusCode.Should().Be(HttpStatusCode.OK);
        second.Headers.GetValues("x-ratelimit-remaining-tokens").Single().Should().Be("9");
        third.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        third.Headers.GetValues("x-ratelimit-limit-tokens").Single().Should().Be("30");
        host.Upstream.Received.Should().HaveCount(2);
    }

    [Fact]
    public async Task OtherKeysOfTheGroup_HaveTheirOwnWindow()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Groups:limited:Rpm"] = "1" });
        var account = await host.CreateAccountAsync(1m);
        var a = host.NewClient(await host.CreateKeyAsync(account, "a", "limited"));
        var b = host.NewClient(await host.CreateKeyAsync(account, "b", "limited"));

        (await a.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await b.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await a.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
    }
}
