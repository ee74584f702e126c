namespace Metering.Usage;

/// <summary>
/// A quantity a provider bills other than tokens: images made, seconds of audio heard, characters spoken,
/// rerank search units. <see cref="Unit"/> is one of the constants below.
/// </summary>
public sealed record BilledUnits(string Unit, decimal Quantity)
{
    public const string Image = "image";
    public const string Second = "second";
    public const string Character = "character";

    /// <summary>Cohere's unit: one query over at most 100 documents.</summary>
    public const string SearchUnit = "search_unit";

    /// <summary>
    /// Past this a reported quantity is not believed (a day of audio is 86,400 s; an API caps uploads at
    /// 25 MB): bounded, so no spend calculation can overflow.
    /// </summary>
    public const decimal MaxQuantity = 10_000_000m;
}

/// <summary>A usage reader that also reads billed units from the upstream's answer (audio seconds, search units).</summary>
public interface IBilledUnitsSource
{
    /// <summary>The units the upstream reported; null when it reported none.</summary>
    BilledUnits? Units { get; }
}
