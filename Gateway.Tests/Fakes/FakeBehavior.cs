namespace Gateway.Tests.Fakes;

/// <summary>What the fake upstream does with the next requests; tests set it before calling.</summary>
public sealed record FakeBehavior
{
    public string Reply { get; init; } = "Hello from the fake upstream, one token at a time.";
    public long PromptTokens { get; init; } = 12;
    public long CompletionTokens { get; init; } = 9;
    public long CachedTokens { get; init; }
    public long CacheWriteTokens { get; init; }

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

    /// <summary>Repeat the reply this many times (a long stream).</summary>
    public int Repeat { get; init; } = 1;
}
