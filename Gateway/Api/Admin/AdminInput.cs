using System.Text;
using Gateway.Api.Shared;
using Metering.Pricing;

namespace Gateway.Api.Admin;

/// <summary>
/// The bounds on what an operator may send (SPEC §9): money within ±1,000,000,000 USD and names that
/// fit a row. Each check answers null or a 400 naming the field.
/// </summary>
internal static class AdminInput
{
    /// <summary>The largest amount of money in a body, and the largest balance, in USD.</summary>
    public const decimal MaxUsd = 1_000_000_000m;

    /// <summary>Names (accounts, keys, groups) are stored and shown in rows; longer is a 400, as for a model.</summary>
    public const int MaxNameBytes = 256;

    /// <summary>
    /// Checks an amount of USD and rounds it to the nano-USD the store keeps (9 decimals, half away from
    /// zero): more digits than that are accepted and rounded, as a price is.
    /// </summary>
    public static IResult? Usd(string field, decimal value, bool allowNegative, out decimal rounded)
    {
        rounded = NanoUsd.Round(value);
        if (Math.Abs(value) > MaxUsd)
            return ApiErrors.BadRequest(field, $"must be at most {MaxUsd:0} USD in magnitude.");
        if (!allowNegative && value < 0)
            return ApiErrors.BadRequest(field, "must not be negative.");
        return null;
    }

    /// <summary>A name: present (when required), not blank, at most <see cref="MaxNameBytes"/> UTF-8 bytes.</summary>
    public static IResult? Name(string field, string? value, bool required)
    {
        if (value is null)
            return required ? ApiErrors.BadRequest(field, "is required.") : null;
        if (string.IsNullOrWhiteSpace(value))
            return ApiErrors.BadRequest(field, "must not be empty.");
        if (Encoding.UTF8.GetByteCount(value) > MaxNameBytes)
            return ApiErrors.BadRequest(field, $"is longer than {MaxNameBytes} UTF-8 bytes.");
        // A name lands in rows, CSV exports and terminals: no control characters, no half of a surrogate pair.
        if (value.Any(char.IsControl) || !IsWellFormed(value))
            return ApiErrors.BadRequest(field, "must not contain control characters or invalid Unicode.");
        return null;
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (char.IsSurrogate(value[i]))
                return false;
        }
        return true;
    }
}
