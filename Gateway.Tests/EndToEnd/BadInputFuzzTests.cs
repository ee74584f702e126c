using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Fakes;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A seeded, deterministic fuzz pass over every client route: malformed bodies, odd headers, odd paths
/// and query strings. Each answer is a 4xx (never a 5xx) whose body is JSON in the route's format;
/// nothing is charged; afterwards the store still answers and the gateway is healthy.
/// </summary>
public class BadInputFuzzTests
{
    private const int Seed = 20_260_601;
    private const int Cases = 240;
    private const string Valid = """{"model":"test-model","max_tokens":5,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi é"}]}""";

    private static readonly string[] ModelRoutes = ["/v1/chat/completions", "/v1/completions", "/v1/responses", "/v1/embeddings", "/v1/messages"];

    private static readonly string[] PerCallPaths =
    [
        "/apis/search/%252e%252e/admin", "/apis/search/..%2f..%2fadmin", "/apis/search/%5cadmin", "/apis/search/a/%252E%252E/%252e%252e/x",
        "/apis/search/%25252e%25252e/admin", "/apis/search/x%252fy", "/apis/" + new string('a', 300) + "/x", "/apis/nope/x",
    ];

    private static readonly string[] LogQueries =
    [
        "page=-1", "page=abc", "page=99999999999999999999", "page_size=100000", "page_size=-5", "page_size=1e3", "start=garbage",
        "end=1e99", "start=2026-13-45T99:99:99Z", "type=nope", "model=" + new string('m', 3000), "model=%FF%FE", "token_name=%00",
        "group=%ED%A0%80", "start=-99999999999999999", "page=0", "end=9223372036854775808",
    ];

    [Fact]
    public async Task ClientRoutes_FuzzedInput_4xxInRouteFormat_NothingCharged_StoreIntact()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        var random = new Random(Seed);
        using var client = host.NewClient();

        for (var i = 0; i < Cases; i++)
        {
            var (request, anthropic, metered) = NextCase(random, key);
            var description = $"case {i}: {request.Method} {request.RequestUri} {request.Headers}";
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;

            status.Should().BeLessThan(500, description);
            if (metered)
            {
                status.Should().BeInRange(400, 499, description);
                BadInputTests.ErrorType(body, anthropic).Should().NotBeNullOrEmpty(description);
            }
            else if (status >= 400)
            {
                FluentActions.Invoking(() => JsonDocument.Parse(body)).Should().NotThrow(description);
            }
        }
        foreach (var (target, headers, bytes) in RawCases(key))
        {
            var (status, body) = await RawHttp.SendAsync(host.Address, "POST", target, headers, bytes);
            status.Should().BeInRange(400, 499, target);
            BadInputTests.ErrorType(body, anthropic: false).Should().NotBeNullOrEmpty(target);
        }

        host.Upstream.Received.Should().BeEmpty();
        (await host.BalanceAsync(account)).Should().Be(1m);
        (await host.RowsOfTypeAsync("consume")).Should().BeEmpty();
        (await host.LogsAsync()).Should().NotBeEmpty();
        (await client.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>One request: a route, its body or path or query, and a header oddity.</summary>
    private static (HttpRequestMessage Request, bool Anthropic, bool Metered) NextCase(Random random, string key)
    {
        HttpRequestMessage request;
        bool anthropic = false, metered = true;
        switch (random.Next(10))
        {
            case < 6:
                var route = ModelRoutes[random.Next(ModelRoutes.Length)];
                anthropic = route == "/v1/messages";
                request = new HttpRequestMessage(HttpMethod.Post, route + (random.Next(4) == 0 ? "?x=%FF%00&y=" + new string('q', random.Next(2000)) : ""))
                {
                    Content = new ByteArrayContent(BadBody(random)),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                break;
            case 6:
                request = new HttpRequestMessage(HttpMethod.Post, PerCallPaths[random.Next(PerCallPaths.Length)]) { Content = new ByteArrayContent(BadBody(random)) };
                break;
            case 7:
                metered = false;
                request = new HttpRequestMessage(HttpMethod.Get, "/v1/models?" + LogQueries[random.Next(LogQueries.Length)]);
                break;
            default:
                metered = false;
                var query = string.Join('&', Enumerable.Range(0, 1 + random.Next(3)).Select(_ => LogQueries[random.Next(LogQueries.Length)]));
                request = new HttpRequestMessage(HttpMethod.Get, "/logs?" + query);
                break;
        }
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        switch (random.Next(6))
        {
            case 0:
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}"); // sent twice: no key at all
                break;
            case 1:
                request.Headers.TryAddWithoutValidation("x-junk", new string('h', 8000 + random.Next(8000)));
                break;
            case 2 when request.Content is not null:
                request.Content.Headers.Remove("Content-Type");
                request.Content.Headers.TryAddWithoutValidation("Content-Type", random.Next(3) switch
                {
                    0 => "text/plain; " + new string('c', 3000),
                    1 => "application/json; charset=utf-16",
                    _ => "///;;==",
                });
                break;
            case 3:
                request.Headers.TryAddWithoutValidation("x-api-key", "sk-" + new string('k', 500));
                break;
        }
        return (request, anthropic, metered);
    }

    /// <summary>A body no model route may accept.</summary>
    private static byte[] BadBody(Random random)
    {
        var valid = Encoding.UTF8.GetBytes(Valid);
        switch (random.Next(12))
        {
            case 0:
                return valid[..random.Next(valid.Length)]; // truncated
            case 1:
                var bytes = new byte[random.Next(300)];
                random.NextBytes(bytes);
                return bytes;
            case 2:
                string[] wrong = ["42", "[\"test-model\"]", "{}", "true", "null", "\"\"", "1e999"];
                return Encoding.UTF8.GetBytes(Valid.Replace("\"test-model\"", wrong[random.Next(wrong.Length)]));
            case 3:
                string[] stream = ["\"true\"", "1", "{}", "[]"];
                return Encoding.UTF8.GetBytes(Valid.Replace("\"stream\":true", "\"stream\":" + stream[random.Next(stream.Length)]));
            case 4:
                string[] options = ["5", "\"x\"", "[]", "{\"include_usage\":\"yes\"}", "{\"include_usage\":1}"];
                return Encoding.UTF8.GetBytes(Valid.Replace("{\"include_usage\":true}", options[random.Next(options.Length)]));
            case 5:
                return Encoding.UTF8.GetBytes(Valid.Replace("test-model", new string('é', 129 + random.Next(100_000))));
            case 6:
                var depth = 65 + random.Next(5000);
                return Encoding.UTF8.GetBytes(Valid.Replace("\"hi é\"", new string('[', depth) + new string(']', depth)));
            case 7:
                return [.. "{\"model\":\"te"u8, (byte)(0x80 + random.Next(0x80)), .. "st\"}"u8];
            case 8:
                return Encoding.UTF8.GetBytes(Valid.Replace("test-model", random.Next(2) == 0 ? "\\ud800" : "x\\udfff"));
            case 9:
                return Encoding.UTF8.GetBytes(Valid.Replace("\"max_tokens\"", "\"model\":\"test-model\",\"max_tokens\"")); // duplicate key
            case 10:
                byte[][] odd = [[], "null"u8.ToArray(), "[]"u8.ToArray(), "123"u8.ToArray(), "\"s\""u8.ToArray(), [0xEF, 0xBB, 0xBF, .. valid]];
                return odd[random.Next(odd.Length)];
            default:
                return Encoding.UTF8.GetBytes(Valid.Replace("\"hi é\"", "1" + new string('9', 5000) + "e99999999999") + "x");
        }
    }

    /// <summary>What HttpClient will not send: a body longer than its Content-Length, a raw backslash.</summary>
    private static IEnumerable<(string Target, string[] Headers, byte[] Body)> RawCases(string key)
    {
        var body = Encoding.UTF8.GetBytes(Valid);
        string[] headers = [$"Authorization: Bearer {key}", "Content-Type: application/json", $"Content-Length: {body.Length / 2}"];
        yield return ("/v1/chat/completions", headers, body); // Kestrel reads half; the rest is never a request
        yield return ("/apis/search/a\\..\\admin", [$"Authorization: Bearer {key}", "Content-Length: 0"], []);
        yield return ("/apis/search/..%2Fadmin", [$"Authorization: Bearer {key}", $"Authorization: Bearer {key}", "Content-Length: 0"], []);
    }
}
