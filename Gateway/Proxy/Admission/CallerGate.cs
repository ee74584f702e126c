using Gateway.Auth;
using Metering.Ledger;
using Metering.Storage;
using Gateway.Proxy.Pricing;
using Gateway.Proxy.RateLimits;

namespace Gateway.Proxy.Admission;

/// <summary>Stages 1–2, before a byte of the body is read: who is calling, and may they call now.</summary>
internal sealed class CallerGate(ApiKeyAuthenticator authenticator, ClientAddress clientAddress, IAccountStore accounts,
    StoreHealth storeHealth, IKeyRateLimits rateLimits, PriceCatalog catalog)
{
    /// <returns>False when no valid key came: such a request leaves no row.</returns>
    public async ValueTask<bool> IdentifyAsync(HttpContext context, MeteringFeature feature)
    {
        var admitted = feature.Admitted;
        admitted.Caller = await authenticator.AuthenticateAsync(Credentials.Read(context.Request));
        if (admitted.Caller is null)
            return false;
        admitted.Group = catalog.Group(admitted.Caller.Group);
        admitted.ClientIp = clientAddress.Resolve(context);
        return true;
    }

    /// <summary>Refusals that need no body: the store must be writable and the key within its limits.</summary>
    public async ValueTask<bool> AllowAsync(HttpContext context, MeteringFeature feature)
    {
        var admitted = feature.Admitted;
        // The account (from memory) before any refusal, so even a refusal's row honours record_ip.
        admitted.Account = await accounts.GetStateAsync(admitted.Caller!.AccountId);
        if (!storeHealth.IsHealthy)
        {
            feature.Refusal = Refusal.StoreUnavailable();
            return false;
        }
        var decision = await rateLimits.TryAcquireAsync(admitted.Caller.KeyId, admitted.Group!);
        RateLimitHeaders.Apply(context.Response, decision);
        if (!decision.Allowed)
            feature.Refusal = decision.IsUnavailable ? Refusal.RateLimitsUnavailable() : Refusal.RateLimited(decision);
        return decision.Allowed;
    }
}
