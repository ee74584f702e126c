using Gateway.Api.Admin;
using Gateway.Api.Shared;
using Gateway.Proxy;
using Gateway.Proxy.Admission;
using Metering.Storage;

namespace Gateway.Api.Keys;

/// <summary>
/// <c>GET /v1/key</c>: a key holder's own key as the operator sees it (policy, spend in the current period
/// and the period's bounds), never another key's and never a secret. For the page's key holder view; like
/// listing models it is not metered, and an expired key or one used from outside its allow-list is refused.
/// </summary>
internal static class OwnKeyEndpoints
{
    public const string Path = "/v1/key";

    public static void MapOwnKey(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, async (HttpContext context, CallerGate gate, IKeyStore keys, TimeProvider clock) =>
        {
            var (caller, refusal) = await gate.IdentifyUnmeteredAsync(context);
            if (refusal is not null)
            {
                await WireErrors.WriteAsync(context, ClientDialect.OpenAI, refusal);
                return;
            }
            var now = clock.GetUtcNow();
            var key = await keys.GetAsync(caller!.KeyId);
            var spend = await keys.ReadSpendAsync(accountId: null, caller.KeyId, now.ToUnixTimeMilliseconds());
            await context.Response.WriteAsJsonAsync(KeyDto.From(key!, spend.TryGetValue(caller.KeyId, out var s) ? s : null, now));
        }).RequireCors(ClientCors.Policy).Produces<KeyDto>().WithTags("keys");
}
