using System.Net;
using Microsoft.AspNetCore.Http;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>SPEC §12: browsers from <c>Gateway:CorsOrigins</c> get CORS answers on the client routes, preflight included.</summary>
public class CorsTests
{
    private const string AllowedOrigin = "https://app.example.com";

    private static Task<GatewayHost> StartAsync() =>
        GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:CorsOrigins:0"] = AllowedOrigin });

    private static HttpRequestMessage Preflight(string path, string origin, string method = "POST") => new(HttpMethod.Options, path)
    {
        Headers =
        {
            { "Origin", origin },
            { "Access-Control-Request-Method", method },
            { "Access-Control-Request-Headers", "authorization, content-type, x-stainless-lang" },
        },
    };

    [Theory]
    [InlineData("/v1/chat/completions", "POST")]
    [InlineData("/v1/messages", "POST")]
    [InlineData("/v1/models", "GET")]
    [InlineData("/v1/no-such-endpoint", "POST")]
    [InlineData("/apis/search/web", "GET")]
    public async Task Preflight_AllowedOrigin_AnsweredWithoutKeyOrRow(string path, string method)
    {
        await using var host = await StartAsync();

        using var response = await host.NewClient().SendAsync(Preflight(path, AllowedOrigin, method));

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(AllowedOrigin);
        string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).Should().Contain("authorization");
        string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")).Should().Contain(method);
        (await host.LogsAsync()).Should().BeEmpty("a preflight carries no key and is not metered");
    }

    [Fact]
    public async Task Preflight_OtherOrigin_NoCorsAnswer()
    {
        await using var host = await StartAsync();

        using var response = await host.NewClient().SendAsync(Preflight("/v1/chat/completions", "https://evil.example.net"));

        response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    [Fact]
    public async Task Preflight_NoOriginsConfigured_NoCorsAnswer()
    {
        await using var host = await GatewayHost.StartAsync();

        using var response = await host.NewClient().SendAsync(Preflight("/v1/chat/completions", AllowedOrigin));

        response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    [Fact]
    public async Task Preflight_AdminApi_NoCorsAnswer()
    {
        await using var host = await StartAsync();

        using var response = await host.NewClient().SendAsync(Preflight("/admin/accounts", AllowedOrigin));

        response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse("the operator API is not a client route");
    }

    [Theory]
    [InlineData(AllowedOrigin, AllowedOrigin)]
    [InlineData("https://evil.example.net", null)]
    public async Task Post_UpstreamSaysAnyOrigin_OnlyTheGatewaysPolicyDecides(string origin, string? expected)
    {
        await using var host = await StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        host.Upstream.Behavior = new FakeBehavior
        {
            // OpenAI's API answers browsers with Access-Control-Allow-Origin: * itself.
            Respond = async context =>
            {
                context.Response.Headers["Access-Control-Allow-Origin"] = "*";
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(FakeBodies.ChatCompletion("test-model", new FakeBehavior()).ToJsonString());
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}"""),
            Headers = { { "Origin", origin } },
        };

        using var response = await host.NewClient(key).SendAsync(request);
        await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        if (expected is null)
            response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
        else
        {
            response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(expected);
            string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")).Should().Contain("x-request-id");
        }
        (await host.RowsOfTypeAsync("consume")).Should().ContainSingle();
    }

    [Fact]
    public async Task Startup_OriginWithPath_RefusedNamingTheKey()
    {
        var start = () => GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:CorsOrigins:0"] = "https://app.example.com/page" });

        (await start.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("Gateway:CorsOrigins:0");
    }
}
