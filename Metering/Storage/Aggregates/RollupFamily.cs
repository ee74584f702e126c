

namespace Metering.Storage.Aggregates;

/// <summary>
/// A set of pre-aggregated tables over the same dimensions, one per time grain. A read whose filters
/// and grouping use only these dimensions is answered from them for whole hours and days, and from
/// the log itself for the rest.
/// </summary>
internal sealed record RollupFamily(string Name, string[] Dimensions, bool HasHours)
{
    public const long HourMs = 3_600_000;
    public const long DayMs = 86_400_000;

    /// <summary>Per type and group: a few rows an hour, for unfiltered totals and <c>group_by=hour</c>.</summary>
    public static readonly RollupFamily ByGroup = new("group", ["type", "grp"], HasHours: true);

    /// <summary>Per model: the operator's broad questions (a model, a model in a group).</summary>
    public static readonly RollupFamily ByModel = new("model", ["type", "grp", "model"], HasHours: true);

    /// <summary>Per key: an account's or a key's rows (the key holder's view, <c>group_by=token_name</c>).</summary>
    public static readonly RollupFamily ByKey = new("key", ["type", "account_id", "token_name", "grp"], HasHours: true);

    /// <summary>
    /// Every dimension, by day only (by hour it would be as big as the log): key holders' model questions
    /// and any mix of filters. Partial days come from the log, which the filters narrow.
    /// </summary>
    public static readonly RollupFamily ByKeyAndModel = new("key_model", ["type", "account_id", "token_name", "grp", "model"], HasHours: false);

    /// <summary>Smallest first: a read uses the first family that holds every column it needs.</summary>
    public static readonly RollupFamily[] All = [ByGroup, ByModel, ByKey, ByKeyAndModel];

    /// <summary>
    /// Account partitions of a family keyed by account (frozen in migration step 4): each is written by
    /// its own writer units under its own watermark, so one unit holds ~1/8 of the keys' rollup rows.
    /// </summary>
    public const int AccountPartitions = 8;

    public int Partitions { get; } = Dimensions.Contains("account_id") ? AccountPartitions : 1;

    public int PartitionOf(long accountId) => Partitions == 1 ? 0 : (int)(accountId % AccountPartitions);

    // The dimensions as flags, for KeyOf: it runs for every log row in every family, where a lookup in the
    // dimension names (five per grain) cost more than the sums themselves.
    private readonly bool _byType = Dimensions.Contains("type");
    private readonly bool _byAccount = Dimensions.Contains("account_id");
    private readonly bool _byToken = Dimensions.Contains("token_name");
    private readonly bool _byGroup = Dimensions.Contains("grp");
    private readonly bool _byModel = Dimensions.Contains("model");

    /// <summary>The rollup row a log row counts into at a grain: its bucket, and this family's dimensions only.</summary>
    public RollupKey KeyOf(in RollupRow row, long grainMs) => new(
        row.TimeMs / grainMs * grainMs,
        _byType ? row.Type : "",
        _byAccount ? row.AccountId : 0,
        _byToken ? row.TokenName : "",
        _byGroup ? row.Grp : "",
        _byModel ? row.Model : "");

    public long FinestGrainMs => HasHours ? HourMs : DayMs;

    public long[] Grains => HasHours ? [HourMs, DayMs] : [DayMs];

    public string Table(long grainMs) => $"log_rollup_{Name}_{(grainMs == DayMs ? "day" : "hour")}";

    public bool Covers(IEnumerable<string> columns) => columns.All(Dimensions.Contains);

    /// <summary>The smallest family holding every column asked for (and hours, if asked); null when none does.</summary>
    public static RollupFamily? For(IEnumerable<string> columns, bool needsHours)
    {
        var needed = columns.ToArray();
        return All.FirstOrDefault(f => f.Covers(needed) && (f.HasHours || !needsHours));
    }
}
