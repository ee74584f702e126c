using Gateway.Auth;
using Metering.Ledger;
using Metering.Storage;
using Gateway.Proxy.Pricing;
using Gateway.Proxy.RateLimits;

namespace Gateway.Proxy.Admission;

/// <summary>Stages 1–2, before a byte of the body is read: who is calling, and may they call now.</summary>
internal sealed class CallerGate(ApiKeyAuthenticator authenticator, ClientAddress clientAddress, IAccountStore accounts, IKeyStore keys,
    StoreHealth storeHealth, IKeyRateLimits rateLimits, PriceCatalog catalog, TimeProvider clock)
{
    /// <returns>False when no valid key came: such a request leaves no row.</returns>
    public async ValueTask<bool> IdentifyAsync(HttpContext context, MeteringFeature feature)
    {
        var admitted = feature.Admitted;
        var secret = feature.Route.Dialect == ClientDialect.Gemini ? Credentials.ReadGoogle(context.Request) : Credentials.Read(context.Request);
        admitted.Caller = await authenticator.AuthenticateAsync(secret);
        if (admitted.Caller is null)
            return false;
        // The key's own rpm/tpm, where it has them, in place of the group's.
        admitted.Group = admitted.Caller.Policy.Limits(catalog.Group(admitted.Caller.Group));
        admitted.ClientIp = clientAddress.Resolve(context);
        return true;
    }

    /// <summary>
    /// For a call that is not metered (listing models): the caller, or the refusal a metered call would get
    /// for a missing key, an expired one or an IP outside its allow-list.
    /// </summary>
    public async ValueTask<(Caller? Caller, Refusal? Refusal)> IdentifyUnmeteredAsync(HttpContext context)
    {
        if (await authenticator.AuthenticateAsync(Credentials.Read(context.Request)) is not { } caller)
            return (null, Refusal.MissingKey());
        return (caller, CheckExpiryAndIp(caller.Policy, clientAddress.Resolve(context)));
    }

    /// <summary>Refusals that need no body: the store must be writable, the key's policy met, the key within its limits.</summary>
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
        // Before the rate limits: a refused request takes no place in the key's window.
        feature.Refusal = await CheckPolicyAsync(admitted.Caller.KeyId, admitted.Caller.Policy, admitted.ClientIp);
        if (feature.Refusal is not null)
            return false;
        var decision = await rateLimits.TryAcquireAsync(admitted.Caller.KeyId, admitted.Group!);
        RateLimitHeaders.Apply(context.Response, decision);
        if (!decision.Allowed)
            feature.Refusal = decision.IsUnavailable ? Refusal.RateLimitsUnavailable() : Refusal.RateLimited(decision);
        return decision.Allowed;
    }

    /// <summary>SPEC §13's refusals that need no body: expiry, the IP allow-list, the budget (what is in flight may overrun it).</summary>
    private async ValueTask<Refusal?> CheckPolicyAsync(long keyId, KeyPolicy policy, string? clientIp)
    {
        if (CheckExpiryAndIp(policy, clientIp) is { } refusal)
            return refusal;
        if (policy.BudgetNano is { } budget && await keys.SpentAsync(keyId, policy.BudgetPeriod, budget) >= budget)
            return Refusal.KeyBudgetExceeded(BudgetPeriods.Name(policy.BudgetPeriod));
        return null;
    }

    private Refusal? CheckExpiryAndIp(KeyPolicy policy, string? clientIp) =>
        policy.IsExpired(clock.GetUtcNow()) ? Refusal.KeyExpired(policy.ExpiresAt!.Value)
        : !policy.AllowsIp(clientIp) ? Refusal.IpNotAllowed(clientIp)
        : null;
}
