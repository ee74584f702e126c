using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Every shape a real edge answers with, of every size, arriving in one read or in many: the client gets
/// it whole, with the upstream's status, as soon as the upstream has sent it; the row says what happened.
/// Over plain HTTP and over HTTPS by host name.
/// </summary>
public class ResponseShapesTests
{
    private const string Chat = """{"model":"test-model","messages":[{"role":"user","content":"Tell me everything"}]}""";

    /// <summary>How long after the upstream's last byte the client's may come, plus 0.15 s a MB (a hang is 10 s and more; a copy of 17 MB alone is tens of ms, more beside a parallel test run).</summary>
    private static readonly TimeSpan LastByteBound = TimeSpan.FromSeconds(1.5);

    public sealed record Shape(string Name, int Status, string ContentType, byte[] Body, bool DeclareLength, int Piece,
        string RowType, string? Usage, string? MessageContains, string? Encoding = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Shape, bool> Shapes()
    {
        var shapes = new Shape[]
        {
            new("empty 200 json", 200, "application/json", [], true, 1, "consume", "counted", null),
            new("1 KB json, one read", 200, "application/json", ChatBody(700), true, int.MaxValue, "consume", "upstream", null),
            new("4 KB json, declared length, many reads", 200, "application/json", ChatBody(4_000), true, 512, "consume", "upstream", null),
            new("64 KB json, declared length, one read", 200, "application/json", ChatBody(64_000), true, int.MaxValue, "consume", "upstream", null),
            new("64 KB json, chunked, many reads", 200, "application/json", ChatBody(64_000), false, 1_000, "consume", "upstream", null),
            new("1 MB json, declared length, many reads", 200, "application/json", ChatBody(1_000_000), true, 16_384, "consume", "upstream", null),
            new("17 MB json, declared length (past the capture)", 200, "application/json", ChatBody(17_000_000), true, 65_536, "consume", "upstream", null),
            new("8 KB 401 json", 401, "application/json", ErrorJson(8_000, "Incorrect API key provided"), true, 1_024, "error", null, "Incorrect API key provided"),
            new("8 KB 400 json, one read", 400, "application/json", ErrorJson(8_000, "max_tokens is too large"), true, int.MaxValue, "error", null, "max_tokens is too large"),
            new("8 KB 500 json, chunked", 500, "application/json", ErrorJson(8_000, "The server had an error"), false, 700, "error", null, "The server had an error"),
            new("15 KB 502 html", 502, "text/html", Html(15_000, "502 Bad Gateway"), true, 4_096, "error", null, "502 Bad Gateway"),
            new("5 KB 503 html, one read", 503, "text/html; charset=utf-8", Html(5_000, "Service Temporarily Unavailable"), true, int.MaxValue, "error", null, "Service Temporarily Unavailable"),
            new("6 KB 200 html", 200, "text/html", Html(6_000, "Captive portal"), true, 1_500, "error", null, "Captive portal"),
            new("200 truncated json", 200, "application/json", ChatBody(6_000)[..5_000], true, 1_000, "consume", "counted", "ended inside its JSON"),
            new("200 gzip json (not asked for)", 200, "application/json", Gzip(ChatBody(20_000)), true, 2_048, "consume", "upstream", null, "gzip"),
        };
        var data = new TheoryData<Shape, bool>();
        foreach (var shape in shapes)
            foreach (var https in new[] { false, true })
                data.Add(shape, https);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Response_AnyShapeAndSize_ArrivesWholeWithTheUpstreamAndIsMetered(Shape shape, bool https)
    {
        await using var host = await GatewayHost.StartAsync(plainUpstream: !https);
        var upstreamDone = 0L;
        host.Upstream.Behavior = new FakeBehavior
        {
            Respond = async context =>
            {
                await WriteAsync(context, shape.Status, shape.ContentType, shape.Encoding, shape.Body, shape.DeclareLength, shape.Piece);
                Volatile.Write(ref upstreamDone, Stopwatch.GetTimestamp());
            },
        };
        var account = await host.CreateAccountAsync(1m);
        using var client = host.NewClient(await host.CreateKeyAsync(account));

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));
        var received = await response.Content.ReadAsByteArrayAsync();
        var clientDone = Stopwatch.GetTimestamp();

        ((int)response.StatusCode).Should().Be(shape.Status);
        received.AsSpan().SequenceEqual(shape.Body).Should().BeTrue($"the client gets the upstream's {shape.Body.Length} bytes unchanged, got {received.Length}");
        LastByteGap(Volatile.Read(ref upstreamDone), clientDone).Should().BeLessThan(LastByteBound + TimeSpan.FromSeconds(0.15 * shape.Body.Length / 1e6));
        var row = (await host.LogsAsync()).Single(r => r.GetProperty("type").GetString() != "system");
        row.GetProperty("type").GetString().Should().Be(shape.RowType);
        row.GetProperty("status").GetInt32().Should().Be(shape.Status);
        if (shape.RowType == "error")
            row.GetProperty("spend").GetDecimal().Should().Be(0m);
        else
            row.GetProperty("spend").GetDecimal().Should().BePositive();
        if (shape.Usage is not null)
            row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be(shape.Usage);
        if (shape.Usage == "upstream")
            (row.GetProperty("input_tokens").GetInt64(), row.GetProperty("output_tokens").GetInt64()).Should().Be((31L, 47L));
        if (shape.MessageContains is not null)
        {
            var message = row.GetProperty("message").GetString()!;
            message.Should().Contain(shape.MessageContains).And.NotContain("<").And.NotContain("{\"");
            message.Length.Should().BeLessThanOrEqualTo(2048);
        }
        (await host.BalanceAsync(account)).Should().Be(1m - row.GetProperty("spend").GetDecimal());
    }

    [Fact]
    public async Task GeminiAnswerPastTheCapture_UsageMetadataReadFromItsTail_BilledInFull()
    {
        await using var host = await GatewayHost.StartAsync();   // over HTTPS, by host name, as Google is reached
        var words = new StringBuilder();
        while (words.Length < 17_000_000)
            words.Append("lorem ipsum dolor sit amet ");
        const string Head = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"";
        const string Tail = "\"}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":31,\"candidatesTokenCount\":47,"
            + "\"thoughtsTokenCount\":5,\"totalTokenCount\":83},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"big\"}";
        var body = Encoding.UTF8.GetBytes(Head + words + Tail);
        host.Upstream.Behavior = new FakeBehavior
        {
            Respond = context => WriteAsync(context, 200, "application/json", null, body, declareLength: true, piece: 65_536),
        };
        var account = await host.CreateAccountAsync(1m);
        using var client = host.NewClient();
        client.DefaultRequestHeaders.Add("x-goog-api-key", await host.CreateKeyAsync(account));

        using var response = await client.PostAsync("/v1beta/models/gemini-flash:generateContent",
            new StringContent("""{"contents":[{"role":"user","parts":[{"text":"Tell me everything"}]}]}""", Encoding.UTF8, "application/json"));
        var received = await response.Content.ReadAsByteArrayAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        received.Length.Should().Be(body.Length);
        var row = (await host.LogsAsync()).Single(r => r.GetProperty("type").GetString() == "consume");
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("upstream", "the usage came from the body's tail, not a count");
        (row.GetProperty("input_tokens").GetInt64(), row.GetProperty("output_tokens").GetInt64()).Should().Be((31L, 52L), "thoughts are output");
    }

    [Fact]
    public async Task ErrorBody_RepeatingTheUpstreamKey_IsMaskedForClientAndRow()
    {
        await using var host = await GatewayHost.StartAsync();
        // The key split across two reads of the body, and whole in a third.
        var text = "{\"error\":{\"message\":\"Incorrect API key provided: " + GatewayHost.UpstreamKey + ". Again: " + GatewayHost.UpstreamKey + "\",\"type\":\"invalid_request_error\"}}";
        var body = Encoding.UTF8.GetBytes(text);
        host.Upstream.Behavior = new FakeBehavior { Respond = context => WriteAsync(context, 401, "application/json", null, body, declareLength: true, piece: 40) };
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));
        var received = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        received.Should().Be(text.Replace(GatewayHost.UpstreamKey, "***"));
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("message").GetString().Should().Contain("Incorrect API key provided: ***").And.NotContain(GatewayHost.UpstreamKey);
    }

    [Fact]
    public async Task NoFirstByteWithinTheClustersTimeout_Is504AndTheRowNamesTheTimeout()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:openai:HttpRequest:ActivityTimeout"] = "00:00:01",
            ["Gateway:UpstreamMaxAttempts"] = "1",
        });
        host.Upstream.Behavior = new FakeBehavior { FirstEventDelay = TimeSpan.FromSeconds(3) };
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.GatewayTimeout);
        var row = (await host.RowsOfTypeAsync("error")).Single();
        row.GetProperty("message").GetString().Should().Contain("first-byte timeout (1 s)");
    }

    [Fact]
    public async Task StreamIdleLongerThanTheTimeout_IsCutAndTheRowNamesTheIdleTimeout()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:openai:HttpRequest:ActivityTimeout"] = "00:00:01",
        });
        host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, BeforeEvent = i => i == 3 ? Task.Delay(3_000) : Task.CompletedTask };
        using var client = host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m)));

        var post = () => client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

        // The client's stream ends without its [DONE] (or its connection is aborted): it never looks complete.
        try
        {
            using var response = await post();
            (await response.Content.ReadAsStringAsync()).Should().NotContain("[DONE]");
        }
        catch (HttpRequestException)
        {
        }
        var row = await StreamingTests.WaitForRowAsync(host, "consume"); // the client may see the cut before the row commits
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeFalse();
        row.GetProperty("message").GetString().Should().Contain("idle timeout (1 s)");
    }

    [Fact]
    public void DefaultActivityTimeout_IsTheOfficialSdksTenMinutes() =>
        global::Gateway.Upstream.ClusterDirectory.DefaultActivityTimeout.Should().Be(TimeSpan.FromMinutes(10));

    /// <summary>
    /// How long after the upstream's last write returned the client had its last byte. The client may finish
    /// first (the fake's write returns after the gateway has passed everything on): then the gap is none.
    /// </summary>
    internal static TimeSpan LastByteGap(long upstreamDone, long clientDone) =>
        upstreamDone == 0 || upstreamDone > clientDone ? TimeSpan.Zero : Stopwatch.GetElapsedTime(upstreamDone, clientDone);

    /// <summary>A chat completion of about <paramref name="size"/> bytes, its usage last as OpenAI sends it.</summary>
    internal static byte[] ChatBody(int size)
    {
        var words = new StringBuilder();
        while (words.Length < size - 300)
            words.Append("lorem ipsum dolor sit amet ");
        var json = """{"id":"chatcmpl-big","object":"chat.completion","created":1700000000,"model":"test-model","choices":[{"index":0,"message":{"role":"assistant","content":"""
            + "\"" + words + "\"" + """},"finish_reason":"stop"}],"usage":{"prompt_tokens":31,"completion_tokens":47,"total_tokens":78}}""";
        return Encoding.UTF8.GetBytes(json);
    }

    private static byte[] ErrorJson(int size, string message) => Encoding.UTF8.GetBytes(
        "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null,\"padding\":\"" + new string('x', size) + "\"}}");

    private static byte[] Html(int size, string title) => Encoding.UTF8.GetBytes(
        $"<!DOCTYPE html>\n<html><head><title>{title}</title><style>body{{font-family:sans-serif}}</style></head><body><center><h1>{title}</h1></center><hr><center>edge</center>"
        + $"<!-- {new string('-', 0)}{string.Concat(Enumerable.Repeat("padding to a realistic size ", size / 28))} --></body></html>");

    private static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(body);
        return output.ToArray();
    }

    internal static async Task WriteAsync(HttpContext context, int status, string contentType, string? encoding, byte[] body, bool declareLength, int piece)
    {
        context.Response.StatusCode = status;
        if (contentType.Length > 0)
            context.Response.ContentType = contentType;
        if (encoding is not null)
            context.Response.Headers.ContentEncoding = encoding;
        if (declareLength)
            context.Response.ContentLength = body.Length;
        for (var offset = 0; offset < body.Length; offset += piece)
        {
            await context.Response.Body.WriteAsync(body.AsMemory(offset, Math.Min(piece, body.Length - offset)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        await context.Response.CompleteAsync();
    }
}
