using Gateway.Api.Shared;
using Gateway.Auth;
using Gateway.Cluster.ChangeFeed;
using Gateway.Proxy;
using Metering.Ledger;
using Metering.Storage;
using Gateway.Proxy.Pricing;

namespace Gateway.Api.Admin;

/// <summary>
/// The key calls of the operator API (SPEC §3, §13): create with a policy, read, edit, list, revoke. Each
/// change leaves a system row; once it has committed, the change feed makes every instance read the key
/// again, so an edit holds from the next request on.
/// </summary>
internal static class KeyAdminEndpoints
{
    internal sealed record CreateKeyBody(long? AccountId, string? Name, string? Group, string? ExpiresAt, string[]? Models, decimal? Budget,
        string? BudgetPeriod, long? Rpm, long? Tpm, string[]? IpAllowlist) : IKeyPolicyFields;

    internal sealed record PatchKeyBody(string? Name, string? Group, string? ExpiresAt, string[]? Models, decimal? Budget,
        string? BudgetPeriod, long? Rpm, long? Tpm, string[]? IpAllowlist) : IKeyPolicyFields;

    public static void MapKeys(this RouteGroupBuilder admin)
    {
        admin.MapPost("/keys", CreateKey).AcceptsJson<CreateKeyBody>().Produces<KeyDto>(201);
        admin.MapGet("/keys", ListKeys).Produces<KeyDto[]>();
        admin.MapGet("/keys/{id:long}", GetKey).Produces<KeyDto>();
        admin.MapPatch("/keys/{id:long}", PatchKey).AcceptsJson<PatchKeyBody>().Produces<KeyDto>();
        admin.MapDelete("/keys/{id:long}", RevokeKey).Produces(204);
    }

    private static async Task<IResult> CreateKey(HttpContext context, IKeyStore keys, PriceCatalog catalog, SystemRowFactory rows, TimeProvider clock)
    {
        var nulls = new HashSet<string>();
        var (body, error) = await JsonBody.ReadAsync<CreateKeyBody>(context, nulls);
        if (error is not null) return error;
        if (body!.AccountId is not { } accountId) return ApiErrors.BadRequest("account_id", "is required.");
        if (AdminInput.Name("name", body.Name, required: true) is { } badName) return badName;
        if (CheckGroup(body.Group, catalog, out var group) is { } badGroup) return badGroup;
        if (KeyPolicyInput.Merge(body, nulls, KeyPolicyRecord.None, catalog, out var policy) is { } badPolicy) return badPolicy;
        var name = body.Name!.Trim();
        var secret = ApiKeySecret.Generate();
        try
        {
            var id = await keys.CreateAsync(accountId, name, group, ApiKeySecret.Hash(secret), ApiKeySecret.Hint(secret), policy,
                rows.Create(context, 201, KeyMessages.Created(name, group, policy), name));
            var created = await keys.GetAsync(id);
            return Results.Created($"/admin/keys/{id}", KeyDto.From(created!, null, clock.GetUtcNow()) with { Key = secret });
        }
        catch (LedgerRejectedException)
        {
            return ApiErrors.NotFound($"account {accountId}");
        }
    }

    private static async Task<IResult> GetKey(long id, IKeyStore keys, TimeProvider clock)
    {
        if (await keys.GetAsync(id) is not { } key)
            return ApiErrors.NotFound($"key {id}");
        var now = clock.GetUtcNow();
        var spend = await keys.ReadSpendAsync(accountId: null, keyId: id, now.ToUnixTimeMilliseconds());
        return Results.Ok(KeyDto.From(key, spend.TryGetValue(id, out var s) ? s : null, now));
    }

    private static async Task<IResult> PatchKey(long id, HttpContext context, IKeyStore keys, PriceCatalog catalog, SystemRowFactory rows,
        ChangePublisher changes, TimeProvider clock)
    {
        var nulls = new HashSet<string>();
        var (body, error) = await JsonBody.ReadAsync<PatchKeyBody>(context, nulls);
        if (error is not null) return error;
        if (AdminInput.Name("name", body!.Name, required: false) is { } badName) return badName;
        if (await keys.GetAsync(id) is not { } before) return ApiErrors.NotFound($"key {id}");
        if (CheckGroup(body.Group ?? before.Grp, catalog, out var group) is { } badGroup) return badGroup;
        if (KeyPolicyInput.Merge(body, nulls, before.Policy, catalog, out var policy) is { } badPolicy) return badPolicy;
        var name = body.Name?.Trim() ?? before.Name;
        try
        {
            await keys.UpdateAsync(id, name, group, policy, rows.Create(context, 200, KeyMessages.Edited(before, name, group, policy), name));
        }
        catch (LedgerRejectedException)
        {
            return ApiErrors.NotFound($"key {id}");
        }
        await changes.PublishAsync(ChangeNotice.KeyChanged(id));
        return await GetKey(id, keys, clock);
    }

    private static async Task<IResult> ListKeys(long? account_id, IKeyStore keys, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var list = await keys.ListAsync(account_id);
        var spend = await keys.ReadSpendAsync(account_id, keyId: null, now.ToUnixTimeMilliseconds());
        return Results.Ok(list.Select(k => KeyDto.From(k, spend.TryGetValue(k.Id, out var s) ? s : null, now)));
    }

    private static async Task<IResult> RevokeKey(long id, HttpContext context, IKeyStore keys, ChangePublisher changes, SystemRowFactory rows)
    {
        try
        {
            await keys.RevokeAsync(id, rows.Create(context, 204, $"key {id} revoked"));
        }
        catch (LedgerRejectedException)
        {
            return ApiErrors.NotFound($"key {id}");
        }
        await changes.PublishAsync(ChangeNotice.KeyRevoked(id));
        return Results.NoContent();
    }

    private static IResult? CheckGroup(string? given, PriceCatalog catalog, out string group)
    {
        group = string.IsNullOrWhiteSpace(given) ? PriceCatalog.DefaultGroup : given.Trim();
        if (!string.IsNullOrWhiteSpace(given) && AdminInput.Name("group", given, required: false) is { } badGroup)
            return badGroup;
        return catalog.GroupExists(group) ? null
            : ApiErrors.BadRequest("group", "is not a configured group (Groups:<group> in the configuration; default always exists).");
    }
}
