using System.Collections.Frozen;
using System.Net;
using System.Text.Json;
using Gateway.Configuration;
using Metering.Ledger;
using Metering.Storage;

namespace Gateway.Auth;

/// <summary>
/// What a key may do (SPEC §13), parsed once when the key is loaded: until when, which models, how much
/// per period, how fast, from where. Null means no restriction (the group's limits for rpm/tpm).
/// </summary>
internal sealed record KeyPolicy(
    DateTimeOffset? ExpiresAt,
    FrozenSet<string>? Models,
    long? BudgetNano,
    BudgetPeriod BudgetPeriod,
    int? Rpm,
    long? Tpm,
    IReadOnlyList<IPNetwork>? IpAllowlist)
{
    public static KeyPolicy From(KeyPolicyRecord stored) => new(
        stored.ExpiresMs is { } expires ? DateTimeOffset.FromUnixTimeMilliseconds(expires) : null,
        Strings(stored.Models) is { Length: > 0 } models ? models.ToFrozenSet(StringComparer.Ordinal) : null,
        stored.BudgetNano,
        BudgetPeriods.TryParse(stored.BudgetPeriod, out var period) ? period : BudgetPeriod.Total,
        stored.Rpm,
        stored.Tpm,
        Strings(stored.IpAllowlist) is { Length: > 0 } cidrs ? cidrs.Select(c => IPNetwork.Parse(c)).ToArray() : null);

    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;

    /// <summary>Models and per-call APIs alike: the name a row's <c>model</c> holds.</summary>
    public bool AllowsModel(string model) => Models is null || Models.Contains(model);

    public bool AllowsIp(string? ip)
    {
        if (IpAllowlist is null)
            return true;
        if (!IPAddress.TryParse(ip, out var address))
            return false;
        foreach (var network in IpAllowlist)
            if (network.Contains(address))
                return true;
        return false;
    }

    /// <summary>The group's limits with this key's own rpm/tpm in their place, where it has them.</summary>
    public GroupOptions Limits(GroupOptions group) => Rpm is null && Tpm is null
        ? group
        : new GroupOptions { Ratio = group.Ratio, Rpm = Rpm ?? group.Rpm, Tpm = Tpm ?? group.Tpm };

    public static string? ToJson(IReadOnlyCollection<string>? values) => values is { Count: > 0 } ? JsonSerializer.Serialize(values) : null;

    public static string[]? Strings(string? json) => json is null ? null : JsonSerializer.Deserialize<string[]>(json);
}
