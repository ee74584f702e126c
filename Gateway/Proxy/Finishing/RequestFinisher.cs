namespace Gateway.Proxy.Finishing;

/// <summary>
/// Stages 5–7: the row (usage, spend, debit) is committed by the meter; only then does the client see
/// the end of its response, or the refusal. A row that cannot be committed never lets a response complete.
/// </summary>
internal sealed class RequestFinisher(UsageMeter meter, ILogger<RequestFinisher> logger)
{
    public async Task FinishAsync(HttpContext context, MeteringFeature feature)
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
        var forwarded = feature.Forwarded;
        if (!committed)
        {
            // Never let a response complete unmetered: an unsent refusal becomes a 503, a sent body is cut.
            if (!forwarded.ResponseStarted(context))
                await WireErrors.WriteAsync(context, feature.Route.Dialect, Refusal.StoreUnavailable());
            else
                context.Abort();
            return;
        }
        if (feature.Refusal is { } refusal)
        {
            if (!forwarded.ResponseStarted(context))
                await WireErrors.WriteAsync(context, feature.Route.Dialect, refusal);
            else
                context.Abort(); // a fault after bytes went out: the client must not see a clean end
        }
        else if (forwarded.Observer is { } observer)
            await observer.ReleaseHeldAsync();
    }
}
