using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Gateway.Api.Shared;
using Gateway.Auth;
using Gateway.Proxy;
using Metering.Ledger;
using Metering.Pricing;
using Metering.Storage;
using Gateway.Proxy.Admission;
using Gateway.Proxy.Pricing;

namespace Gateway.Api.Admin;

/// <summary>The policy fields a key's create and edit take (SPEC §13), in the body's snake_case.</summary>
internal interface IKeyPolicyFields
{
    string? ExpiresAt { get; }
    string[]? Models { get; }
    decimal? Budget { get; }
    string? BudgetPeriod { get; }
    long? Rpm { get; }
    long? Tpm { get; }
    string[]? IpAllowlist { get; }
}

/// <summary>
/// Checks a key's policy fields and merges them into the stored policy: a field absent keeps its value,
/// <c>null</c> clears it (as does an empty list), anything else replaces it. Each check answers null or a
/// 400 naming the field.
/// </summary>
internal static partial class KeyPolicyInput
{
    /// <summary>Requests or tokens per minute past this are a typo, not a limit.</summary>
    public const long MaxRpm = 1_000_000_000;
    public const long MaxTpm = 1_000_000_000_000;

    /// <summary>Entries of a list: enough for any real policy, small enough for a row's message.</summary>
    public const int MaxListEntries = 256;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    public static IResult? Merge(IKeyPolicyFields body, ISet<string> nulls, KeyPolicyRecord current, PriceCatalog catalog, out KeyPolicyRecord merged)
    {
        merged = current;
        if (body.ExpiresAt is { } expiresText)
        {
            if (!Rfc3339().IsMatch(expiresText) || !DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires))
                return ApiErrors.BadRequest("expires_at", "must be an RFC 3339 time with its offset, e.g. 2026-12-31T23:59:59Z.");
            merged = merged with { ExpiresMs = expires.ToUnixTimeMilliseconds() };
        }
        if (body.Models is { } models)
        {
            if (CheckModels(models, catalog) is { } badModels) return badModels;
            merged = merged with { Models = KeyPolicy.ToJson(models.Distinct(StringComparer.Ordinal).ToArray()) };
        }
        if (body.Budget is { } budget)
        {
            if (AdminInput.Usd("budget", budget, allowNegative: false, out var rounded) is { } badBudget) return badBudget;
            merged = merged with { BudgetNano = NanoUsd.FromUsd(rounded).Value };
        }
        if (body.BudgetPeriod is { } period)
        {
            if (!BudgetPeriods.TryParse(period, out _))
                return ApiErrors.BadRequest("budget_period", $"must be one of {string.Join(", ", BudgetPeriods.Names)} (UTC days and months).");
            merged = merged with { BudgetPeriod = period };
        }
        if (body.Rpm is { } rpm)
        {
            if (rpm is < 0 or > MaxRpm) return ApiErrors.BadRequest("rpm", $"must be a whole number from 0 (no limit) to {MaxRpm}.");
            merged = merged with { Rpm = (int)rpm };
        }
        if (body.Tpm is { } tpm)
        {
            if (tpm is < 0 or > MaxTpm) return ApiErrors.BadRequest("tpm", $"must be a whole number from 0 (no limit) to {MaxTpm}.");
            merged = merged with { Tpm = tpm };
        }
        if (body.IpAllowlist is { } cidrs)
        {
            if (CheckCidrs(cidrs, out var networks) is { } badCidrs) return badCidrs;
            merged = merged with { IpAllowlist = KeyPolicy.ToJson(networks) };
        }
        merged = Cleared(merged, nulls);
        return null;
    }

    private static KeyPolicyRecord Cleared(KeyPolicyRecord policy, ISet<string> nulls) => policy with
    {
        ExpiresMs = nulls.Contains("expires_at") ? null : policy.ExpiresMs,
        Models = nulls.Contains("models") ? null : policy.Models,
        BudgetNano = nulls.Contains("budget") ? null : policy.BudgetNano,
        BudgetPeriod = nulls.Contains("budget_period") ? null : policy.BudgetPeriod,
        Rpm = nulls.Contains("rpm") ? null : policy.Rpm,
        Tpm = nulls.Contains("tpm") ? null : policy.Tpm,
        IpAllowlist = nulls.Contains("ip_allowlist") ? null : policy.IpAllowlist,
    };

    /// <summary>Each a configured model or per-call API: a typo would otherwise lock the key out silently.</summary>
    private static IResult? CheckModels(string[] models, PriceCatalog catalog)
    {
        if (models.Length > MaxListEntries)
            return ApiErrors.BadRequest("models", $"may name at most {MaxListEntries} models.");
        for (var i = 0; i < models.Length; i++)
        {
            if (AdminInput.Name($"models[{i}]", models[i], required: true) is { } badName)
                return badName;
            if (!catalog.TryGetModel(models[i], out _) && !catalog.TryGetPerCallApi(models[i], out _))
                return ApiErrors.BadRequest($"models[{i}]", $"'{ClientText.CutChars(models[i], ClientText.MaxEchoChars)}' is not a configured model or per-call API.");
        }
        return null;
    }

    /// <summary>CIDRs (IPv4 or IPv6), or single addresses; normalised (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>).</summary>
    private static IResult? CheckCidrs(string[] cidrs, out string[] networks)
    {
        networks = new string[cidrs.Length];
        if (cidrs.Length > MaxListEntries)
            return ApiErrors.BadRequest("ip_allowlist", $"may hold at most {MaxListEntries} entries.");
        for (var i = 0; i < cidrs.Length; i++)
        {
            var text = cidrs[i].Trim();
            if (IPAddress.TryParse(text, out var single) && !text.Contains('/'))
                text = $"{single}/{(single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)}";
            if (!IPNetwork.TryParse(text, out var network) || !IPAddress.TryParse(text[..text.IndexOf('/')], out var given))
                return ApiErrors.BadRequest($"ip_allowlist[{i}]", $"'{ClientText.CutChars(cidrs[i], ClientText.MaxEchoChars)}' is not a CIDR "
                    + "(an IPv4 or IPv6 address, a slash, and a prefix length: 10.0.0.0/8, 2001:db8::/32).");
            // 10.0.0.1/8 is most likely a typo for a single address or for 10.0.0.0/8: ask, rather than guess.
            var masked = Masked(given, network.PrefixLength);
            if (!masked.Equals(given))
                return ApiErrors.BadRequest($"ip_allowlist[{i}]", $"'{ClientText.CutChars(cidrs[i], ClientText.MaxEchoChars)}' has address bits set past its prefix; "
                    + $"write {masked}/{network.PrefixLength} for the network, or the address alone.");
            networks[i] = $"{masked}/{network.PrefixLength}";
        }
        networks = networks.Distinct(StringComparer.Ordinal).ToArray();
        return null;
    }

    private static IPAddress Masked(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefixLength; bit < bytes.Length * 8; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }
}
