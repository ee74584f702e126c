namespace Metering.Pricing;

/// <summary>
/// An amount of money in integer nano-USD (1e-9), the unit the store keeps, so sums in SQL are exact and
/// no double ever touches it. It owns the one rounding rule: half away from zero to 1e-9 USD.
/// </summary>
public readonly record struct NanoUsd(long Value) : IComparable<NanoUsd>
{
    public const int DecimalPlaces = 9;
    private const decimal PerUsd = 1_000_000_000m;

    public static NanoUsd Zero => default;

    public bool IsPositive => Value > 0;

    /// <summary>A USD amount rounded to what the store can hold (half away from zero to 1e-9 USD).</summary>
    public static decimal Round(decimal usd) => Math.Round(usd, DecimalPlaces, MidpointRounding.AwayFromZero);

    public static NanoUsd FromUsd(decimal usd) => new(decimal.ToInt64(Round(usd) * PerUsd));

    // Normalize drops trailing zeros so 1.500000000 reads as 1.5 on the wire.
    public decimal ToUsd() => (Value / PerUsd) / 1.000000000000000000000000000000000m;

    /// <summary>A stored nano-USD column read as USD.</summary>
    public static decimal ToUsd(long nano) => new NanoUsd(nano).ToUsd();

    public int CompareTo(NanoUsd other) => Value.CompareTo(other.Value);

    public static NanoUsd operator +(NanoUsd a, NanoUsd b) => new(a.Value + b.Value);
    public static NanoUsd operator -(NanoUsd a, NanoUsd b) => new(a.Value - b.Value);
    public static bool operator <(NanoUsd a, NanoUsd b) => a.Value < b.Value;
    public static bool operator >(NanoUsd a, NanoUsd b) => a.Value > b.Value;
    public static bool operator <=(NanoUsd a, NanoUsd b) => a.Value <= b.Value;
    public static bool operator >=(NanoUsd a, NanoUsd b) => a.Value >= b.Value;

    public override string ToString() => $"{ToUsd()} USD";
}
