using System.Net;
using Gateway.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>The resolved upstream of a cluster follows YARP's configuration when it is reloaded.</summary>
public class ClusterReloadTests
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task DestinationAddressChanged_LaterRequestsGoToTheNewAddress()
    {
        await using var host = await GatewayHost.StartAsync();
        await using var moved = await FakeUpstream.StartAsync();
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));
        (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        host.Upstream.Received.Should().ContainSingle();

        var configuration = (IConfigurationRoot)host.Services.GetService(typeof(IConfiguration))!;
        configuration["ReverseProxy:Clusters:openai:Destinations:default:Address"] = moved.BaseAddress;
        configuration.Reload();
        // YARP applies a reload on its own schedule: a request or two may still go to the old address.
        for (var i = 0; i < 50 && moved.Received.Count == 0; i++)
        {
            (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
            if (moved.Received.Count == 0)
                await Task.Delay(100);
        }
        var before = host.Upstream.Received.Count;
        (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);

        moved.Received.Count.Should().BeGreaterThanOrEqualTo(2);
        host.Upstream.Received.Count.Should().Be(before, "once moved, nothing goes to the old address");
    }
}
