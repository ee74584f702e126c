namespace Metering.Storage;

/// <summary>
/// A set of pre-aggregated tables over the same dimensions, one per time grain (hour, day). A read
/// whose filters and grouping use only these dimensions is answered from them for whole hours and
/// days, and from the log itself for the rest.
/// </summary>
internal sealed record RollupFamily(string Name, string[] Dimensions)
{
    public const long HourMs = 3_600_000;
    public const long DayMs = 86_400_000;

    /// <summary>Per model: the operator's broad questions (everything, a type, a group, a model).</summary>
    public static readonly RollupFamily ByModel = new("model", ["type", "grp", "model"]);

    /// <summary>Per key: an account's or a key's rows (the key holder's view, <c>group_by=token_name</c>).</summary>
    public static readonly RollupFamily ByKey = new("key", ["type", "account_id", "token_name", "grp"]);

    public static readonly RollupFamily[] All = [ByModel, ByKey];

    public string Table(long grainMs) => $"log_rollup_{Name}_{(grainMs == DayMs ? "day" : "hour")}";

    public bool Covers(IEnumerable<string> columns) => columns.All(Dimensions.Contains);

    /// <summary>The smallest family holding every column asked for; null when none does.</summary>
    public static RollupFamily? For(IEnumerable<string> columns)
    {
        var needed = columns.ToArray();
        return All.FirstOrDefault(f => f.Covers(needed));
    }
}
