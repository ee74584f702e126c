using Gateway.Upstream;
using Metering.Usage;

namespace Gateway.Proxy.Forwarding;

/// <summary>What forwarding learned: every try, and what the served response turned out to be.</summary>
internal sealed class ForwardedResponse
{
    /// <summary>Every try at the upstream, in order; the last one served (or failed) the request.</summary>
    public List<UpstreamAttempt> Attempts { get; } = new(1); // nearly every request is served by its first try

    /// <summary>Tries left after the current one: a 429/5xx is held back (not sent to the client) only while some remain.</summary>
    public int RetriesLeft { get; set; }

    /// <summary>The 429/5xx status of the current try when it was held back for a retry.</summary>
    public int? HeldBackStatus { get; set; }

    /// <summary>When the first try was sent upstream (0 before): from then on, failed tries and the waits between them are upstream time.</summary>
    public long FirstUpstreamSentTimestamp { get; set; }
    public int? UpstreamStatus { get; set; }
    public bool IsEventStream { get; set; }
    public long? FirstContentTimestamp { get; set; }
    public IUsageReader? UsageReader { get; set; }
    public ResponseObserverStream? Observer { get; set; }
    public CountingTextSink? DeliveredText { get; set; }

    /// <summary>The upstream connection broke mid-stream (its body then reads as ended).</summary>
    public bool UpstreamReset { get; set; }

    /// <summary>The response ended early: client gone or upstream reset mid-body.</summary>
    public bool CutShort { get; set; }
    public string? CutShortReason { get; set; }

    /// <summary>What an error body (or a 2xx body that is not the route's JSON) says, bounded and masked.</summary>
    public string? UpstreamErrorText { get; set; }

    /// <summary>What a non-streamed 2xx body turned out to be.</summary>
    public BodyShape BodyShape { get; set; }

    public void MarkContent(TimeProvider clock) => FirstContentTimestamp ??= clock.GetTimestamp();

    public void MarkCutShort(string reason) => (CutShort, CutShortReason) = (true, reason);

    /// <summary>Body bytes went to the client, or wait unflushed in the response: a refusal can no longer be written.</summary>
    public bool ResponseStarted(HttpContext context) => context.Response.HasStarted || Observer is { HasOutput: true };
}
