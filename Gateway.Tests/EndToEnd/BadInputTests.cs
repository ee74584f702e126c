using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Hostile or careless clients get clear errors, and cannot make the gateway buffer without bound.</summary>
public class BadInputTests
{
    [Fact]
    public async Task FormEncodedBody_400NamesTheContentType()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        var response = await host.NewClient(key).PostAsync("/v1/chat/completions", new StringContent("model=test-model", Encoding.UTF8, "application/x-www-form-urlencoded"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString()
            .Should().Contain("application/json");
        (await host.RowsOfTypeAsync("error")).Should().ContainSingle();
    }

    [Fact]
    public async Task ChunkedBodyOverLimit_413WithoutReadingItAll()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:MaxRequestBodyBytes"] = "65536" });
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        // No Content-Length: the limit must hold while streaming in.
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"model":"test-model","messages":[{"role":"user","content":"{{new string('x', 200_000)}}"}]}""")));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await host.NewClient(key).SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        host.Upstream.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task ClientStopsReading_UpstreamIsPacedByBackpressure()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { Reply = new string('y', 2000).Replace("yyyy", "yyy "), Repeat = 20_000 }; // ~40 MB if read
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(100m));
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent("""{"model":"test-model","stream":true,"messages":[]}"""),
        };

        using var response = await host.NewClient(key).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await Task.Delay(1500);   // the client reads nothing
        var sentWhileStalled = host.Upstream.StreamedBytes;
        await Task.Delay(500);

        // Socket buffers and pipes hold a few MB at most; the upstream waits instead of the gateway buffering 40 MB.
        sentWhileStalled.Should().BeLessThan(16 * 1024 * 1024);
        host.Upstream.StreamedBytes.Should().BeLessThan(16 * 1024 * 1024);
    }
}
