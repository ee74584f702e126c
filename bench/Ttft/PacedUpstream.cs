using System.Diagnostics;
using System.Text;

namespace Ttft;

/// <summary>
/// A chat stream paced like a model: headers at once, the first event after <see cref="FirstEventDelay"/>,
/// then one every <see cref="EventInterval"/>, then the usage and the end. OpenAI's chunks, or
/// Anthropic's events when the request comes to <c>/v1/messages</c> (a cluster the gateway translates
/// for). Each event carries the monotonic time it was written (<c>x_sent</c>) and the request's arrival
/// (<c>x_arrived</c>), so the probe can take the upstream's own timer jitter out of the figure: as JSON
/// fields in OpenAI's chunks, and inside the text in Anthropic's (a translation keeps only the text).
/// </summary>
internal static class PacedUpstream
{
    public static readonly TimeSpan FirstEventDelay = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(20);
    public const int ContentEvents = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/{**path}", StreamAsync);
        await app.RunAsync();
        return 0;
    }

    private static async Task StreamAsync(HttpContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        var body = context.Response.Body;
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync(); // headers now, like a model that has accepted the prompt
        if (context.Request.Path.Value?.EndsWith("/v1/messages", StringComparison.Ordinal) == true)
        {
            await AnthropicStreamAsync(body, arrived);
            return;
        }
        for (var i = 0; i < ContentEvents; i++)
        {
            await WaitUntilAsync(arrived, FirstEventDelay + EventInterval * i);
            var chunk = $$$"""data: {"id":"c1","object":"chat.completion.chunk","model":"bench-paced","choices":[{"index":0,"delta":{"content":"tok{{{i}}} "}}],"x_arrived":{{{arrived}}},"x_sent":{{{Stopwatch.GetTimestamp()}}}}""" + "\n\n";
            await body.WriteAsync(Encoding.UTF8.GetBytes(chunk));
            await body.FlushAsync();
        }
        const string Tail = """
            data: {"id":"c1","object":"chat.completion.chunk","model":"bench-paced","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":10,"total_tokens":22}}

            data: [DONE]


            """;
        await body.WriteAsync(Encoding.UTF8.GetBytes(Tail));
    }

    private static async Task AnthropicStreamAsync(Stream body, long arrived)
    {
        async Task Send(string type, string json)
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes($"event: {type}\ndata: {json}\n\n"));
            await body.FlushAsync();
        }
        await Send("message_start", """{"type":"message_start","message":{"id":"msg_paced","type":"message","role":"assistant","model":"bench-paced","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}""");
        await Send("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        for (var i = 0; i < ContentEvents; i++)
        {
            await WaitUntilAsync(arrived, FirstEventDelay + EventInterval * i);
            await Send("content_block_delta",
                $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"tok{{{i}}} x_arrived={{{arrived}}} x_sent={{{Stopwatch.GetTimestamp()}}} "}}""");
        }
        await Send("content_block_stop", """{"type":"content_block_stop","index":0}""");
        await Send("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":10}}""");
        await Send("message_stop", """{"type":"message_stop"}""");
    }

    /// <summary>Sleeps most of the way, then spins the last stretch: Task.Delay alone is late by up to a timer tick.</summary>
    private static async Task WaitUntilAsync(long start, TimeSpan offset)
    {
        var remaining = offset - Stopwatch.GetElapsedTime(start);
        if (remaining > TimeSpan.FromMilliseconds(2))
            await Task.Delay(remaining - TimeSpan.FromMilliseconds(2));
        while (Stopwatch.GetElapsedTime(start) < offset)
            Thread.SpinWait(50);
    }
}
