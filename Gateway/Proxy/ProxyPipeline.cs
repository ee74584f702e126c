using Gateway.Proxy.Admission;
using Gateway.Proxy.Finishing;
using Gateway.Proxy.Forwarding;

namespace Gateway.Proxy;

/// <summary>
/// The metered request, stage by stage: who is calling, what they ask for and at what price, may they
/// afford it, forward it while observing the response, then meter it. Forwarding is last; finishing
/// sits in the <c>finally</c> so every authenticated request leaves exactly one row.
/// </summary>
internal sealed partial class ProxyPipeline(CallerGate gate, RequestAdmission admission, UpstreamForwarder forwarding,
    RequestFinisher finishing, TimeProvider clock, ILogger<ProxyPipeline> logger)
{
    public async Task HandleAsync(HttpContext context, ProxyRoute route)
    {
        var feature = new MeteringFeature(RequestIds.New(clock.GetUtcNow()), route, clock);
        context.Features.Set(feature);
        // Every log line of this request carries its id (structured, as the scope property RequestId).
        using var scope = logger.BeginScope("GatewayRequestId:{GatewayRequestId}", feature.RequestId);
        context.Response.Headers[UpstreamTransformer.RequestIdHeader] = feature.RequestId;

        // 1. Who: no valid key, no row.
        if (!await gate.IdentifyAsync(context, feature))
        {
            await WireErrors.WriteAsync(context, route.Dialect, Refusal.MissingKey(route.Dialect));
            return;
        }
        try
        {
            // 2. May they call now: the account, a writable store, the key's rate limits.
            // 3. What they ask for at what price, and can the account pay: the upstream to send it to.
            var target = await gate.AllowAsync(context, feature) ? await admission.AdmitAsync(context, feature) : null;
            // 4. Forward, observing the response as it streams through; its end is held back.
            if (feature.Refusal is null)
                await forwarding.ForwardAsync(context, feature, target!);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left while we read its body or waited upstream: nothing was delivered.
            feature.Refusal ??= Refusal.ClientClosed();
        }
        catch (Exception ex)
        {
            // A fault of ours: the client gets a 500 (or a cut, once bytes went out) and the row says so,
            // never the 200 the response had been set to.
            Log.RequestFailed(logger, ex, feature.RequestId);
            feature.Refusal ??= Refusal.GatewayFault();
        }
        finally
        {
            // 5–7. Usage, spend, row and debit, committed; only then does the client see the end.
            await finishing.FinishAsync(context, feature);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Request {RequestId} failed inside the gateway")]
        public static partial void RequestFailed(ILogger logger, Exception exception, string requestId);
    }
}
