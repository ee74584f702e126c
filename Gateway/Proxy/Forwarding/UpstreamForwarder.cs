using Gateway.Upstream;
using Metering.Usage;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// Stage 4: the admitted request goes upstream, try by try through the breakers, while the observer
/// watches the response stream through; its end is held back for finishing.
/// </summary>
internal sealed class UpstreamForwarder(IHttpForwarder forwarder, UpstreamResilience resilience, UpstreamRequestHeaders requestHeaders, TimeProvider clock)
{
    public async Task ForwardAsync(HttpContext context, MeteringFeature feature, UpstreamTarget target)
    {
        var forwarded = feature.Forwarded;
        if (feature.Route.Format is { } format)
        {
            forwarded.DeliveredText = new CountingTextSink(feature.Admitted.Tokenizer!);
            // A translated call is metered from the upstream's own report, in the upstream's format.
            forwarded.UsageReader = UsageReaders.Create(feature.Admitted.Translation?.Upstream ?? format, forwarded.DeliveredText);
        }
        var observer = new ResponseObserverStream(context.Response.BodyWriter, feature, clock);
        forwarded.Observer = observer;
        var transformer = new UpstreamTransformer(feature, target, observer, requestHeaders, clock);
        var final = await resilience.ExecuteAsync(target, (destination, remaining) => AttemptAsync(context, feature, target, destination, remaining, transformer), forwarded.Attempts);
        observer.Complete(upstreamEndedCleanly: final.Error == ForwarderError.None && !forwarded.UpstreamReset);

        if (final.Error == ForwarderError.None)
        {
            if (forwarded.UpstreamReset)
                forwarded.MarkCutShort("upstream connection reset mid-stream; billed what was delivered");
            else if (forwarded.BodyShape == BodyShape.TruncatedJson)
                forwarded.MarkCutShort("upstream body ended inside its JSON; usage counted from what was delivered");
            else if (forwarded.IsEventStream && forwarded.UsageReader is { } reader)
                NoteHowTheStreamEnded(forwarded, reader);
            else if (final.Retryable)
                feature.Refusal = Refusal.UpstreamUnavailable(final.Status ?? 502); // every try held back a 429/5xx
            return;
        }
        if (!forwarded.ResponseStarted(context))
        {
            // Written after the row commits, like every refusal.
            // A refusal already set (a streamed body over the limit) is the reason the try failed.
            feature.Refusal ??= final.Error == ForwarderError.RequestTimedOut ? Refusal.UpstreamTimeout(ActivityTimeout(target)) : Refusal.UpstreamUnreachable();
            return;
        }
        // YARP reports its idle timeout as one of several body errors (and aborts the client): the silence tells.
        var timeout = ActivityTimeout(target);
        forwarded.MarkCutShort(clock.GetElapsedTime(observer.LastUpstreamBytesTimestamp) >= timeout * 0.9
            ? $"upstream sent nothing for the idle timeout ({timeout.TotalSeconds:0.###} s) mid-response; billed what was delivered"
            : context.RequestAborted.IsCancellationRequested || final.Error is ForwarderError.ResponseBodyClient
                ? "client disconnected before the response completed"
                : $"upstream response ended early ({final.Error})");
    }

    /// <summary>One try: a fresh copy of the body to one destination, the response observed on its way out.</summary>
    private async Task<UpstreamAttempt> AttemptAsync(HttpContext context, MeteringFeature feature, UpstreamTarget target,
        UpstreamDestination destination, int remaining, UpstreamTransformer transformer)
    {
        var forwarded = feature.Forwarded;
        var upstreamBody = feature.Admitted.UpstreamBody;
        var streamed = feature.Admitted.StreamedBody;
        // A body forwarded as it arrives can be sent once: no answer is held back for a retry.
        forwarded.RetriesLeft = streamed is null ? remaining : 0;
        forwarded.HeldBackStatus = null;
        context.Request.Body = streamed?.Body ?? new MemoryStream(upstreamBody, writable: false);
        context.Request.ContentLength = streamed is not null ? streamed.Length
            : context.Request.Method == HttpMethods.Get && upstreamBody.Length == 0 ? null : upstreamBody.Length;
        context.Response.StatusCode = StatusCodes.Status200OK;
        transformer.Destination = destination;
        var body = context.Response.Body;
        context.Response.Body = forwarded.Observer!;
        ForwarderError error;
        try
        {
            error = await forwarder.SendAsync(context, destination.Prefix, target.Client, target.RequestConfig, transformer);
        }
        finally
        {
            context.Response.Body = body;
        }
        var retryable = streamed is null && !forwarded.ResponseStarted(context) && !context.RequestAborted.IsCancellationRequested
            && (forwarded.HeldBackStatus is not null || error is ForwarderError.Request);
        var attempt = new UpstreamAttempt(destination.Id, forwarded.HeldBackStatus ?? forwarded.UpstreamStatus, error, retryable);
        forwarded.Attempts.Add(attempt);
        return attempt;
    }

    /// <summary>An error event passed on to the client, or no terminal event at all: the answer is incomplete.</summary>
    private static void NoteHowTheStreamEnded(ForwardedResponse forwarded, IUsageReader reader)
    {
        if (reader.StreamError is { } error)
            forwarded.MarkCutShort($"upstream reported an error mid-stream ({error}); billed what was delivered");
        else if (!reader.SawTerminal)
            forwarded.MarkCutShort("upstream stream ended without its terminal event; billed what was delivered");
    }

    private static TimeSpan ActivityTimeout(UpstreamTarget target) => target.RequestConfig.ActivityTimeout ?? ClusterDirectory.DefaultActivityTimeout;
}
