using System.Globalization;
using Gateway.Proxy;
using Metering.Ledger;
using Metering.Pricing;
using Metering.Storage;
using Gateway.Proxy.Admission;

namespace Gateway.Api.Admin;

/// <summary>The system rows' messages for a key's creation and edits: what its policy became, never its secret.</summary>
internal static class KeyMessages
{
    public static string Created(string name, string group, KeyPolicyRecord policy) =>
        Cut($"key '{name}' created in group '{group}'{(Describe(policy) is { Length: > 0 } rules ? $"; policy: {rules}" : "")}");

    public static string Edited(ApiKeyRecord before, string name, string group, KeyPolicyRecord policy)
    {
        var changes = new List<string>();
        if (name != before.Name) changes.Add($"name '{before.Name}' → '{name}'");
        if (group != before.Grp) changes.Add($"group '{before.Grp}' → '{group}'");
        var (old, now) = (Fields(before.Policy), Fields(policy));
        foreach (var (field, value) in now)
            if (old[field] != value)
                changes.Add($"{field} {old[field] ?? "none"} → {value ?? "none"}");
        return Cut($"key '{before.Name}' edited: {(changes.Count == 0 ? "nothing changed" : string.Join("; ", changes))}");
    }

    private static string Describe(KeyPolicyRecord policy) =>
        string.Join("; ", Fields(policy).Where(f => f.Value is not null).Select(f => $"{f.Key} {f.Value}"));

    private static Dictionary<string, string?> Fields(KeyPolicyRecord p) => new()
    {
        ["expires_at"] = p.ExpiresMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : null,
        ["models"] = p.Models,
        ["budget"] = p.BudgetNano is { } nano ? $"{NanoUsd.ToUsd(nano)} USD" : null,
        ["budget_period"] = p.BudgetPeriod,
        ["rpm"] = p.Rpm?.ToString(CultureInfo.InvariantCulture),
        ["tpm"] = p.Tpm?.ToString(CultureInfo.InvariantCulture),
        ["ip_allowlist"] = p.IpAllowlist,
    };

    private static string Cut(string message) => ClientText.CutChars(message, ClientText.MaxMessageChars);
}
