using Metering.Usage;
using Gateway.Proxy.Pricing;

namespace Gateway.Proxy.StoredResponses;

/// <summary>
/// Stage 5, beside the meter: a served <c>/v1/responses</c> call makes its caller the owner of the response
/// it created; a served delete ends that. Noted before the row commits, so before the client sees the
/// response's end (a background response's id may be polled at once).
/// </summary>
internal sealed class ResponseOwnership(ResponseOwners owners)
{
    public void Note(MeteringFeature feature, HttpContext context, bool served)
    {
        if (!served)
            return;
        var (admitted, forwarded) = (feature.Admitted, feature.Forwarded);
        if (feature.Route.Format == WireFormat.OpenAIResponses && forwarded.UsageReader is IResponseIdSource { ResponseId: { } created }
            && admitted.CatalogModel is { } model && forwarded.Attempts.Count > 0)
            owners.Remember(created, new ResponseOwner(admitted.Caller!.AccountId, admitted.Model, model.Cluster, forwarded.Attempts[^1].Destination));
        else if (feature.Route.Kind == EndpointKind.StoredResponse && HttpMethods.IsDelete(context.Request.Method)
                 && context.Request.RouteValues["id"] is string deleted)
            owners.Forget(deleted);
    }
}
