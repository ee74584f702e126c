using System.Buffers;
using Gateway.Configuration;
using Gateway.Upstream;
using Metering.Logs;
using Metering.Pricing;
using Metering.Storage;
using Microsoft.Extensions.Options;
using Gateway.Proxy.Admission;
using Gateway.Proxy.Pricing;

namespace Gateway.Proxy.StoredResponses;

/// <summary>
/// Stage 3 for a stored response's own calls: only the account that created the response reaches it, on
/// the destination that holds it. An unknown id and another account's id get the same 404 (a 403 would
/// tell that the id exists). These calls cost nothing upstream and are never charged; a balance at zero
/// does not refuse them, so an account that ran dry can still cancel a background response.
/// </summary>
internal sealed class StoredResponseAdmission(ResponseOwners owners, ILogReader log, PriceCatalog catalog, ClusterDirectory clusters,
    IOptions<GatewayOptions> options)
{
    /// <summary>OpenAI's ids are <c>resp_</c> and hex; any letters, digits, <c>_</c> and <c>-</c> pass, nothing that could change the path.</summary>
    private static readonly SearchValues<char> IdCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    public async ValueTask<UpstreamTarget?> AdmitAsync(HttpContext context, MeteringFeature feature)
    {
        var admitted = feature.Admitted;
        var id = context.Request.RouteValues["id"] as string ?? "";
        var wellFormed = id.Length is > 0 and <= Metering.Usage.IResponseIdSource.MaxIdChars && !id.AsSpan().ContainsAnyExcept(IdCharacters);
        if (!wellFormed || await FindOwnerAsync(id, admitted.Caller!.AccountId) is not { } owner || clusters.Resolve(owner.Cluster) is not { } cluster)
            return Refuse(feature, Refusal.ResponseNotFound(wellFormed ? id : null));
        admitted.Model = owner.Model;
        var (body, unreadable) = await RequestBody.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted);
        if (unreadable is not null)
            return Refuse(feature, unreadable);
        admitted.RequestBody = admitted.UpstreamBody = body!;
        admitted.UpstreamPath = feature.Route.UpstreamPath!.Replace("{id}", id, StringComparison.Ordinal);
        admitted.Price = PriceSheet.PerCall(0m, admitted.Group!.Ratio);
        return OnItsDestination(cluster, owner.Destination);
    }

    /// <summary>
    /// This instance's memory first; an id it never saw (created on another instance, or before a restart) is
    /// looked up in the store by the row that created it, and remembered.
    /// </summary>
    private async ValueTask<ResponseOwner?> FindOwnerAsync(string id, long accountId)
    {
        if (owners.Find(id, accountId) is { } known)
            return known;
        if (owners.Knows(id) || await log.FindResponseCreatorAsync(id, accountId) is not { } row)
            return null;
        var details = LogDetails.FromJson(row.Details);
        var cluster = details?.Cluster ?? (catalog.TryGetModel(row.Model, out var model) ? model.Cluster : null);
        if (cluster is null)
            return null;
        var owner = new ResponseOwner(accountId, row.Model, cluster, details?.Destination ?? "");
        owners.Remember(id, owner);
        return owner;
    }

    /// <summary>
    /// A cluster's destinations may hold different provider accounts: the response is only where it was
    /// created. Should that destination have left the configuration, the cluster's others are tried.
    /// </summary>
    private static UpstreamTarget OnItsDestination(UpstreamTarget cluster, string destination) =>
        cluster.Destinations.Count > 1 && cluster.Destinations.FirstOrDefault(d => d.Id == destination) is { } holder
            ? cluster with { Destinations = [holder] }
            : cluster;

    private static UpstreamTarget? Refuse(MeteringFeature feature, Refusal refusal)
    {
        feature.Refusal = refusal;
        return null;
    }
}
