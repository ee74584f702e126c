using System.Text.Json.Serialization;
using Gateway.Auth;
using Metering.Ledger;
using Metering.Pricing;
using Metering.Storage;

namespace Gateway.Api.Admin;

/// <summary>
/// A key as the admin API shows it: never its secret (only <see cref="Key"/> on the answer to its creation),
/// its policy (empty lists: every model, any IP), and its <see cref="Spent"/> in the current budget period,
/// which runs from <see cref="PeriodStart"/> to <see cref="PeriodEnd"/> (both null for <c>total</c>).
/// </summary>
internal sealed record KeyDto(
    long Id, string Name, string Group, long AccountId, string KeyHint, DateTimeOffset CreatedAt, bool Revoked,
    DateTimeOffset? ExpiresAt, bool Expired, string[] Models, decimal? Budget, string BudgetPeriod, int? Rpm, long? Tpm, string[] IpAllowlist,
    decimal Spent, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd)
{
    /// <summary>The secret, in the answer to <c>POST /admin/keys</c> alone.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }

    public static KeyDto From(ApiKeyRecord key, KeySpend? spend, DateTimeOffset now)
    {
        var policy = KeyPolicy.From(key.Policy);
        var (start, end) = BudgetPeriods.Bounds(policy.BudgetPeriod, now.ToUnixTimeMilliseconds());
        return new KeyDto(key.Id, key.Name, key.Grp, key.AccountId, key.KeyHint, DateTimeOffset.FromUnixTimeMilliseconds(key.CreatedMs),
            key.RevokedMs is not null, policy.ExpiresAt, policy.IsExpired(now),
            KeyPolicy.Strings(key.Models) ?? [], key.BudgetNano is { } budget ? NanoUsd.ToUsd(budget) : null,
            BudgetPeriods.Name(policy.BudgetPeriod), key.Rpm, key.Tpm, KeyPolicy.Strings(key.IpAllowlist) ?? [],
            NanoUsd.ToUsd(spend?.In(policy.BudgetPeriod) ?? 0), Time(start), Time(end));
    }

    private static DateTimeOffset? Time(long? unixMs) => unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
