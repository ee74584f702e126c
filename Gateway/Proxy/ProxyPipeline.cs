using Gateway.Auth;
using Gateway.Configuration;
using Gateway.Upstream;
using Metering.Storage;
using Metering.Usage;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// The metered request, stage by stage: who is calling, what they ask for and at what price, may they
/// afford it, forward it while observing the response, then meter it. Forwarding is last; metering
/// sits in the <c>finally</c> so every authenticated request leaves exactly one row.
/// </summary>
internal sealed class ProxyPipeline(
    ApiKeyAuthenticator authenticator,
    PriceCatalog catalog,
    IAccountStore accounts,
    ClusterDirectory clusters,
    IHttpForwarder forwarder,
    UsageMeter meter,
    ClientAddress clientAddress,
    KeyRateLimiter rateLimiter,
    UpstreamResilience resilience,
    UpstreamRequestHeaders requestHeaders,
    Metering.Ledger.StoreHealth storeHealth,
    IOptions<GatewayOptions> options,
    TimeProvider clock,
    ILogger<ProxyPipeline> logger)
{
    public async Task HandleAsync(HttpContext context, ProxyRoute route)
    {
        var feature = new MeteringFeature(RequestIds.New(clock.GetUtcNow()), route, clock);
        context.Features.Set(feature);
        // Every log line of this request carries its id (structured, as the scope property RequestId).
        using var scope = logger.BeginScope("GatewayRequestId:{GatewayRequestId}", feature.RequestId);
        context.Response.Headers[UpstreamTransformer.RequestIdHeader] = feature.RequestId;

        // 1. Who: no valid key, no row.
        feature.Caller = await authenticator.AuthenticateAsync(Credentials.Read(context.Request));
        if (feature.Caller is null)
        {
            await WireErrors.WriteAsync(context, route.Dialect, Refusal.MissingKey());
            return;
        }
        feature.ClientIp = clientAddress.Resolve(context);
        try
        {
            // The account (from memory) before any refusal, so even a refusal's row honours record_ip.
            feature.Account = await accounts.GetStateAsync(feature.Caller.AccountId);
            // 2–3. May they call now, what do they ask for at what price, can the account pay.
            var target = Gate(context, feature) ? await AdmitAsync(context, feature) : null;
            // 4. Forward, observing the response as it streams through; its end is held back.
            if (feature.Refusal is null)
                await ForwardAsync(context, feature, target!);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left while we read its body or waited upstream: nothing was delivered.
            feature.Refusal ??= Refusal.ClientClosed();
        }
        finally
        {
            // 5–7. Usage, spend, row and debit, committed; only then does the client see the end.
            await FinishAsync(context, feature);
        }
    }

    /// <summary>Refusals that need no body: the store must be writable and the key within its limits.</summary>
    private bool Gate(HttpContext context, MeteringFeature feature)
    {
        if (!storeHealth.IsHealthy)
        {
            feature.Refusal = Refusal.StoreUnavailable();
            return false;
        }
        var decision = rateLimiter.TryAcquire(feature.Caller!.KeyId, catalog.Group(feature.Caller.Group));
        RateLimitHeaders.Apply(context.Response, decision);
        if (!decision.Allowed)
            feature.Refusal = Refusal.RateLimited(decision);
        return decision.Allowed;
    }

    private async Task FinishAsync(HttpContext context, MeteringFeature feature)
    {
        bool committed;
        try
        {
            await meter.RecordAsync(context, feature);
            committed = true;
        }
        catch (Exception ex)
        {
            // Never throw into the response path; the text of a database error holds no secrets.
            logger.LogError(ex, "Could not record the usage row of request {RequestId}", feature.RequestId);
            committed = false;
        }
        if (context.RequestAborted.IsCancellationRequested)
            return;
        if (!committed)
        {
            // Never let a response complete unmetered: an unsent refusal becomes a 503, a sent body is cut.
            if (!ResponseStarted(context, feature))
                await WireErrors.WriteAsync(context, feature.Route.Dialect, Refusal.StoreUnavailable());
            else
                context.Abort();
            return;
        }
        if (feature.Refusal is { } refusal && !ResponseStarted(context, feature))
            await WireErrors.WriteAsync(context, feature.Route.Dialect, refusal);
        else if (feature.Observer is { } observer)
            await observer.ReleaseHeldAsync();
    }

    private async ValueTask<UpstreamTarget?> AdmitAsync(HttpContext context, MeteringFeature feature)
    {
        // A per-call API's name, path and price need no body: refused before a byte of it is read.
        var perCall = feature.Route.IsPerCall ? AdmitPerCall(context, feature) : null;
        if (feature.Refusal is not null)
            return null;
        var (body, unreadable) = await RequestBody.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted);
        if (unreadable is not null)
            return Refuse(feature, unreadable);
        feature.RequestBody = feature.UpstreamBody = body!;
        return perCall ?? AdmitModelCall(context, feature);
    }

    private UpstreamTarget? AdmitPerCall(HttpContext context, MeteringFeature feature)
    {
        var api = context.Request.RouteValues["api"] as string ?? "";
        feature.Model = ClientText.CutUtf8(api, ClientText.MaxModelBytes);
        if (feature.Model.Length != api.Length)
            return Refuse(feature, Refusal.Malformed($"The per-call API name is longer than {ClientText.MaxModelBytes} UTF-8 bytes."));
        if (!catalog.TryGetPerCallApi(api, out var perCall) || clusters.Resolve(perCall.Cluster) is not { } target)
            return Refuse(feature, Refusal.ApiNotFound(api));
        if (PerCallPath.ToUpstream(context.Request.RouteValues["rest"] as string ?? "", out var badPath) is not { } path)
            return Refuse(feature, badPath!);
        feature.UpstreamPath = path;
        feature.Price = Metering.Pricing.PriceSheet.PerCall(perCall.Price, catalog.Group(feature.Caller!.Group).Ratio);
        if (!CanPay(feature))
            return Refuse(feature, Refusal.InsufficientBalance());
        return target;
    }

    private UpstreamTarget? AdmitModelCall(HttpContext context, MeteringFeature feature)
    {
        var body = feature.RequestBody;
        var request = ModelRequest.Parse(body, out var malformed);
        feature.Model = request.Model; // at most 256 UTF-8 bytes, refused or not
        if (malformed is not null)
        {
            var contentType = context.Request.ContentType;
            if (contentType is not null && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
                malformed = malformed with { Message = $"{malformed.Message} The Content-Type was '{ClientText.CutChars(contentType, ClientText.MaxEchoChars)}'; send application/json." };
            return Refuse(feature, malformed);
        }

        if (!catalog.TryGetModel(request.Model, out var model))
            return Refuse(feature, Refusal.ModelNotFound(request.Model));
        var target = clusters.Resolve(model.Cluster);
        if (target is null || target.Dialect != feature.Route.Dialect)
            return Refuse(feature, Refusal.ModelNotFound(request.Model));
        feature.CatalogModel = model;
        feature.Price = model.PriceFor(catalog.Group(feature.Caller!.Group).Ratio);

        if (!CanPay(feature))
            return Refuse(feature, Refusal.InsufficientBalance());

        feature.UpstreamPath = feature.Route.UpstreamPath!;
        feature.UpstreamBody = request.RewriteForUpstream(model.UpstreamName, feature.Route.Format!.Value, body);
        feature.ClientAskedForUsage = request.ClientAskedForUsage;
        return target;
    }

    private async Task ForwardAsync(HttpContext context, MeteringFeature feature, UpstreamTarget target)
    {
        if (feature.Route.Format is { } format)
        {
            feature.DeliveredText = new CountingTextSink(TokenCounter.ForModel(feature.Model));
            feature.UsageReader = UsageReaders.Create(format, feature.DeliveredText);
        }
        var observer = new ResponseObserverStream(context.Response.BodyWriter, feature, clock);
        feature.Observer = observer;
        var transformer = new UpstreamTransformer(feature, target, observer, requestHeaders, clock);
        var final = await resilience.ExecuteAsync(target, (destination, remaining) => AttemptAsync(context, feature, target, destination, remaining, transformer), feature.Attempts);
        observer.Complete(upstreamEndedCleanly: final.Error == ForwarderError.None && !feature.UpstreamReset);

        if (final.Error == ForwarderError.None)
        {
            if (feature.UpstreamReset)
                (feature.CutShort, feature.CutShortReason) = (true, "upstream connection reset mid-stream; billed what was delivered");
            else if (feature.BodyShape == BodyShape.TruncatedJson)
                (feature.CutShort, feature.CutShortReason) = (true, "upstream body ended inside its JSON; usage counted from what was delivered");
            else if (feature.IsEventStream && feature.UsageReader is { } reader)
                NoteHowTheStreamEnded(feature, reader);
            else if (final.Retryable)
                feature.Refusal = Refusal.UpstreamUnavailable(final.Status ?? 502); // every try held back a 429/5xx
            return;
        }
        if (!ResponseStarted(context, feature))
        {
            // Written after the row commits, like every refusal.
            feature.Refusal = final.Error == ForwarderError.RequestTimedOut ? Refusal.UpstreamTimeout(ActivityTimeout(target)) : Refusal.UpstreamUnreachable();
            return;
        }
        feature.CutShort = true;
        // YARP reports its idle timeout as one of several body errors (and aborts the client): the silence tells.
        var timeout = ActivityTimeout(target);
        feature.CutShortReason = clock.GetElapsedTime(feature.Observer!.LastUpstreamBytesTimestamp) >= timeout * 0.9
            ? $"upstream sent nothing for the idle timeout ({timeout.TotalSeconds:0.###} s) mid-response; billed what was delivered"
            : context.RequestAborted.IsCancellationRequested || final.Error is ForwarderError.ResponseBodyClient
                ? "client disconnected before the response completed"
                : $"upstream response ended early ({final.Error})";
    }

    /// <summary>One try: a fresh copy of the body to one destination, the response observed on its way out.</summary>
    private async Task<UpstreamAttempt> AttemptAsync(HttpContext context, MeteringFeature feature, UpstreamTarget target,
        UpstreamDestination destination, int remaining, UpstreamTransformer transformer)
    {
        feature.RetriesLeft = remaining;
        feature.HeldBackStatus = null;
        context.Request.Body = new MemoryStream(feature.UpstreamBody, writable: false);
        context.Request.ContentLength = context.Request.Method == HttpMethods.Get && feature.UpstreamBody.Length == 0 ? null : feature.UpstreamBody.Length;
        context.Response.StatusCode = StatusCodes.Status200OK;
        var body = context.Response.Body;
        context.Response.Body = feature.Observer!;
        ForwarderError error;
        try
        {
            error = await forwarder.SendAsync(context, destination.Prefix, target.Client, target.RequestConfig, transformer);
        }
        finally
        {
            context.Response.Body = body;
        }
        var retryable = !ResponseStarted(context, feature) && !context.RequestAborted.IsCancellationRequested
            && (feature.HeldBackStatus is not null || error is ForwarderError.Request);
        var attempt = new UpstreamAttempt(destination.Id, feature.HeldBackStatus ?? feature.UpstreamStatus, error, retryable);
        feature.Attempts.Add(attempt);
        return attempt;
    }

    /// <summary>An error event passed on to the client, or no terminal event at all: the answer is incomplete.</summary>
    private static void NoteHowTheStreamEnded(MeteringFeature feature, IUsageReader reader)
    {
        if (reader.StreamError is { } error)
            (feature.CutShort, feature.CutShortReason) = (true, $"upstream reported an error mid-stream ({error}); billed what was delivered");
        else if (!reader.SawTerminal)
            (feature.CutShort, feature.CutShortReason) = (true, "upstream stream ended without its terminal event; billed what was delivered");
    }

    private static TimeSpan ActivityTimeout(UpstreamTarget target) => target.RequestConfig.ActivityTimeout ?? ClusterDirectory.DefaultActivityTimeout;

    /// <summary>Body bytes went to the client, or wait unflushed in the response: a refusal can no longer be written.</summary>
    private static bool ResponseStarted(HttpContext context, MeteringFeature feature) =>
        context.Response.HasStarted || feature.Observer is { HasOutput: true };

    /// <summary>SPEC §5: refused when the balance is not above zero; what is in flight may overdraw it.</summary>
    private static bool CanPay(MeteringFeature feature) => feature.Account is { BalanceNano: > 0 };

    private static UpstreamTarget? Refuse(MeteringFeature feature, Refusal refusal)
    {
        feature.Refusal = refusal;
        return null;
    }
}
