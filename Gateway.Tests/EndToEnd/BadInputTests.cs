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

    private const string Chat = "/v1/chat/completions";
    private const string Messages = "/v1/messages";

    /// <summary>SPEC §4: the error shape of the route, and the error's type.</summary>
    public static string ErrorType(string body, bool anthropic)
    {
        var json = JsonDocument.Parse(body).RootElement;
        if (anthropic)
        {
            json.GetProperty("type").GetString().Should().Be("error");
            json.GetProperty("error").GetProperty("message").GetString().Should().NotBeNullOrEmpty();
            return json.GetProperty("error").GetProperty("type").GetString()!;
        }
        json.GetProperty("error").GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        return json.GetProperty("error").GetProperty("type").GetString()!;
    }

    [Theory]
    [InlineData(Chat, false)]
    [InlineData(Messages, true)]
    public async Task Model_OverAMegabyte_400InRouteFormat_RowKeepsItsFirst256Bytes(string path, bool anthropic)
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(0m));
        var model = "ab" + new string('é', 600_000); // 1.2 MB; 256 bytes is "ab" and 127 of them

        var response = await host.NewClient(key).PostAsync(path, JsonContent($$"""{"model":"{{model}}","max_tokens":5,"messages":[]}"""));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadAsStringAsync();
        body.Length.Should().BeLessThan(1024, "the name is not echoed back");
        ErrorType(body, anthropic).Should().Be("invalid_request_error");
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("model").GetString().Should().Be("ab" + new string('é', 127));
        row.GetProperty("status").GetInt32().Should().Be(400);
        row.GetProperty("message").GetString()!.Length.Should().BeLessThan(1024);
        host.Upstream.Received.Should().BeEmpty();
    }

    [Theory]
    [InlineData(Chat, false, "bytes")]
    [InlineData(Chat, false, "surrogate")]
    [InlineData(Messages, true, "bytes")]
    [InlineData(Messages, true, "surrogate")]
    public async Task Model_NotUnicode_400InRouteFormat_RowRecordsTheStatusSent(string path, bool anthropic, string kind)
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        byte[] bad = kind == "bytes" ? [0x74, 0xFF, 0xFE, 0x74] : "t\\ud800t"u8.ToArray();
        byte[] json = [.. "{\"model\":\""u8, .. bad, .. "\",\"max_tokens\":5,\"messages\":[]}"u8];
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new("application/json");

        var response = await host.NewClient(key).PostAsync(path, content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ErrorType(await response.Content.ReadAsStringAsync(), anthropic).Should().Be("invalid_request_error");
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("status").GetInt32().Should().Be(400);
        row.GetProperty("model").GetString().Should().StartWith("t");
        (await host.RowsOfTypeAsync("consume")).Should().BeEmpty();
        host.Upstream.Received.Should().BeEmpty();
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task ContentType_TenKilobytes_EchoedAtMost100Characters()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var content = new StringContent("model=x");
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", "text/plain; q=" + new string('q', 10_000));

        var response = await host.NewClient(key).PostAsync(Chat, content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Length.Should().BeLessThan(1024);
        (await host.RowsOfTypeAsync("error")).Single().GetProperty("message").GetString()!.Length.Should().BeLessThan(1024);
    }

    [Theory]
    [InlineData(Chat)]
    [InlineData(Messages)]
    public async Task Body_EndsBeforeItsContentLength_ErrorRowNothingChargedNoThrow(string path)
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);

        // The client sends 21 of 500 bytes and closes its side: Kestrel takes that as the client gone.
        var (status, _) = await RawHttp.SendAsync(host.Address, "POST", path,
            [$"Authorization: Bearer {key}", "Content-Type: application/json", "Content-Length: 500"], "{\"model\":\"test-model\""u8.ToArray(), halfClose: true);

        status.Should().Be(0, "no answer reaches a client that left");
        var rows = await host.RowsOfTypeAsync("error");
        for (var wait = 0; rows.Length == 0 && wait < 50; wait++) // the gateway learns of the close after the client has gone
        {
            await Task.Delay(100);
            rows = await host.RowsOfTypeAsync("error");
        }
        var row = rows.Single();
        // Which Kestrel reports first is a race: the close (499) or the short body (a 400 written to nobody).
        row.GetProperty("status").GetInt32().Should().BeOneOf(400, 499);
        host.Upstream.Received.Should().BeEmpty();
        (await host.BalanceAsync(account)).Should().Be(1m);
    }
}
