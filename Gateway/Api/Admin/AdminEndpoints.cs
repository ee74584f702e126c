using Gateway.Api.Shared;
using Gateway.Auth;
using Gateway.Cluster.ChangeFeed;
using Gateway.Proxy;
using Metering.Ledger;
using Metering.Pricing;
using Metering.Storage;
using Gateway.Proxy.Pricing;

namespace Gateway.Api.Admin;

/// <summary>
/// The operator API of SPEC §3: accounts, top-ups, keys (<see cref="KeyAdminEndpoints"/>) and model prices
/// (<see cref="ModelAdminEndpoints"/>), each change with its system row. Once a
/// change to a key or an account has committed, the change feed tells every instance (this one included).
/// </summary>
internal static class AdminEndpoints
{
    internal sealed record CreateAccountBody(string? Name, decimal? Balance, bool? RecordIp);
    internal sealed record TopUpBody(decimal? Amount);
    internal sealed record PatchAccountBody(string? Name, bool? RecordIp);
    internal sealed record AccountDto(long Id, string Name, decimal Balance, bool RecordIp);
    internal sealed record AccountPageDto(IReadOnlyList<AccountDto> Items, long Total, int Limit, long Offset);

    public const int DefaultAccountPage = 50;
    public const int MaxAccountPage = 1000;

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(RequireAdmin);
        // Bodies are read by JsonBody (to answer bad JSON with a 400 naming it); AcceptsJson/Produces describe them for OpenAPI.
        admin.MapPost("/accounts", CreateAccount).AcceptsJson<CreateAccountBody>().Produces<AccountDto>(201);
        admin.MapGet("/accounts", ListAccounts).Produces<AccountPageDto>();
        admin.MapGet("/accounts/{id:long}", GetAccount).Produces<AccountDto>();
        admin.MapPost("/accounts/{id:long}/topup", TopUp).AcceptsJson<TopUpBody>().Produces<AccountDto>();
        admin.MapPatch("/accounts/{id:long}", PatchAccount).AcceptsJson<PatchAccountBody>().Produces<AccountDto>();
        admin.MapKeys();
        admin.MapModelPrices();
        return admin;
    }

    private static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var guard = context.HttpContext.RequestServices.GetRequiredService<AdminGuard>();
        if (!guard.IsConfigured)
            return ApiErrors.Error(403, "admin_disabled", AdminGuard.NotConfiguredMessage);
        if (!guard.IsAdmin(Credentials.Read(context.HttpContext.Request)))
            return ApiErrors.Unauthorized();
        return await next(context);
    }

    private static async Task<IResult> CreateAccount(HttpContext context, IAccountStore accounts, SystemRowFactory rows)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateAccountBody>(context);
        if (error is not null) return error;
        if (AdminInput.Name("name", body!.Name, required: true) is { } badName) return badName;
        if (AdminInput.Usd("balance", body.Balance ?? 0m, allowNegative: false, out var balance) is { } badBalance) return badBalance;
        var name = body.Name!.Trim();
        var account = await accounts.CreateAsync(name, NanoUsd.FromUsd(balance).Value, body.RecordIp ?? false,
            rows.Create(context, 201, $"account '{name}' created with balance {balance} USD"));
        return Results.Created($"/admin/accounts/{account.Id}", ToDto(account));
    }

    /// <summary>Accounts in id order, <c>limit</c> (default 50, at most 1000) from <c>offset</c> (default 0), with their balances.</summary>
    private static async Task<IResult> ListAccounts(string? limit, string? offset, IAccountStore accounts)
    {
        if (!int.TryParse(limit ?? DefaultAccountPage.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size) || size is < 1 or > MaxAccountPage)
            return ApiErrors.BadRequest("limit", $"must be a whole number from 1 to {MaxAccountPage}.");
        if (!long.TryParse(offset ?? "0", System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var skip))
            return ApiErrors.BadRequest("offset", "must be a whole number of at least 0.");
        var (items, total) = await accounts.ListAsync(size, skip);
        return Results.Ok(new AccountPageDto(items.Select(ToDto).ToList(), total, size, skip));
    }

    private static async Task<IResult> GetAccount(long id, IAccountStore accounts) =>
        await accounts.GetAsync(id) is { } account ? Results.Ok(ToDto(account)) : ApiErrors.NotFound($"account {id}");

    private static async Task<IResult> TopUp(long id, HttpContext context, IAccountStore accounts, SystemRowFactory rows, ChangePublisher changes)
    {
        var (body, error) = await JsonBody.ReadAsync<TopUpBody>(context);
        if (error is not null) return error;
        if (body!.Amount is not { } amount) return ApiErrors.BadRequest("amount", "is required.");
        if (AdminInput.Usd("amount", amount, allowNegative: true, out var rounded) is { } badAmount) return badAmount;
        if (rounded == 0) return ApiErrors.BadRequest("amount", "must not be zero (amounts are kept to 9 decimals).");
        var outcome = await accounts.TopUpAsync(id, NanoUsd.FromUsd(rounded).Value, rows.Create(context, 200, $"top-up of {rounded} USD"));
        if (outcome == TopUpOutcome.Done)
            await changes.PublishAsync(ChangeNotice.AccountChanged(id));
        return outcome switch
        {
            TopUpOutcome.NotFound => ApiErrors.NotFound($"account {id}"),
            TopUpOutcome.OutOfRange => ApiErrors.BadRequest("amount",
                $"would take the balance {(rounded < 0 ? "below 0" : $"above {AdminInput.MaxUsd:0} USD")}; nothing was changed."),
            _ => await GetAccount(id, accounts),
        };
    }

    private static async Task<IResult> PatchAccount(long id, HttpContext context, IAccountStore accounts, SystemRowFactory rows, ChangePublisher changes)
    {
        var (body, error) = await JsonBody.ReadAsync<PatchAccountBody>(context);
        if (error is not null) return error;
        if (AdminInput.Name("name", body!.Name, required: false) is { } badName) return badName;
        var before = await accounts.GetAsync(id);
        if (before is null) return ApiErrors.NotFound($"account {id}");
        var recordIpChanged = body.RecordIp is { } recordIp && recordIp != before.RecordIp;
        var systemRow = recordIpChanged
            ? rows.Create(context, 200, $"IP recording turned {(body.RecordIp == true ? "on" : "off")}")
            : body.Name is not null ? rows.Create(context, 200, $"account renamed to '{body.Name.Trim()}'") : null;
        try
        {
            await accounts.UpdateAsync(id, body.Name?.Trim(), body.RecordIp, systemRow);
        }
        catch (LedgerRejectedException)
        {
            return ApiErrors.NotFound($"account {id}");
        }
        await changes.PublishAsync(ChangeNotice.AccountChanged(id));
        return await GetAccount(id, accounts);
    }

    private static AccountDto ToDto(Account a) => new(a.Id, a.Name, NanoUsd.ToUsd(a.BalanceNano), a.RecordIp);
}
