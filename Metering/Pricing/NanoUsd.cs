namespace Metering.Pricing;

/// <summary>
/// Money is stored as integer nano-USD (1e-9), so sums in SQL are exact and no double ever touches it.
/// </summary>
public static class NanoUsd
{
    private const decimal PerUsd = 1_000_000_000m;

    public static long FromUsd(decimal usd) => decimal.ToInt64(SpendCalculator.Round(usd) * PerUsd);

    // Normalize drops trailing zeros so 1.500000000 reads as 1.5 on the wire.
    public static decimal ToUsd(long nano) => (nano / PerUsd) / 1.000000000000000000000000000000000m;
}
