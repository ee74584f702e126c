using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §12: any other path under /v1, /admin or /logs is a JSON 404 in the OpenAI shape, never an empty body.</summary>
public class UnknownPathTests
{
    [Theory]
    [InlineData("GET", "/v1/no-such-endpoint")]
    [InlineData("POST", "/v1/chat/completion")]
    [InlineData("POST", "/v1/files/file-abc/content")]
    [InlineData("DELETE", "/v1/models")]
    [InlineData("GET", "/admin/no-such-thing")]
    [InlineData("PUT", "/logs/export/deeper")]
    public async Task UnknownPath_JsonNotFoundInOpenAIShape(string method, string path)
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        using var response = await host.NewClient(key).SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") });
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        error.GetProperty("code").GetString().Should().Be("not_found");
        error.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        host.Upstream.Received.Should().BeEmpty("an unknown path is never forwarded");
    }
}
