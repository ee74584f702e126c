using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Fakes;

/// <summary>What the fake upstream does with the next requests; tests set it before calling.</summary>
public sealed record FakeBehavior
{
    /// <summary>A one-line reply, for tests that pace a stream event by event.</summary>
    public const string ShortReply = "Hello from the fake upstream, one token at a time.";

    /// <summary>
    /// A long answer (~6 KB, ~1,100 tokens, one space between words) by default: a real non-streamed answer
    /// spans several reads of the upstream's body, and so must every test's.
    /// </summary>
    public static readonly string LongReply = string.Join(' ', Enumerable.Range(1, 60).Select(i =>
        $"Paragraph {i} of the fake upstream answer walks through step {i} of the plan, weighs its cost against the budget, and notes what to check next."));

    public string Reply { get; init; } = LongReply;

    /// <summary>Answer exactly as this callback does (status, headers, body pieces): for shapes the fake does not know.</summary>
    public Func<HttpContext, Task>? Respond { get; init; }

    /// <summary>Answer every request with a recorded SSE stream from the tests' Resources folder, as it was recorded.</summary>
    public static FakeBehavior ReplayStream(string resource)
    {
        var recorded = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Resources", resource));
        return new FakeBehavior
        {
            Respond = async context =>
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.Body.WriteAsync(recorded);
            },
        };
    }
    public long PromptTokens { get; init; } = 12;
    public long CompletionTokens { get; init; } = 9;
    public long CachedTokens { get; init; }
    public long CacheWriteTokens { get; init; }

    /// <summary>Gemini's <c>thoughtsTokenCount</c>: thinking tokens, billed as output beside the candidates' tokens.</summary>
    public long ThoughtsTokens { get; init; }

    /// <summary>Gemini's <c>finishReason</c> on its last candidate: <c>STOP</c>, <c>MAX_TOKENS</c>, <c>SAFETY</c>…</summary>
    public string GeminiFinishReason { get; init; } = "STOP";

    /// <summary>Answer with this status and an error body in the route's wire format.</summary>
    public int? FailWithStatus { get; init; }

    /// <summary>Send no usage at all (the gateway must count).</summary>
    public bool OmitUsage { get; init; }

    /// <summary>Wait this long before the first streamed event (or the JSON body).</summary>
    public TimeSpan FirstEventDelay { get; init; }

    /// <summary>Wait this long between streamed events.</summary>
    public TimeSpan EventInterval { get; init; }

    /// <summary>Abort the connection after this many streamed events.</summary>
    public int? ResetAfterEvents { get; init; }

    /// <summary>Interleave comments, broken JSON and unknown events with the real ones.</summary>
    public bool GarbageLines { get; init; }

    /// <summary>Awaited before each streamed event after the first, with the event's index (lets a test pace the fake).</summary>
    public Func<int, Task>? BeforeEvent { get; init; }

    /// <summary>Seconds of audio a transcription reports having heard.</summary>
    public decimal AudioSeconds { get; init; } = 14.2m;

    /// <summary>Repeat the reply this many times (a long stream).</summary>
    public int Repeat { get; init; } = 1;
}
