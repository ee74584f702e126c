namespace Gateway.Hosting.Jobs;

/// <summary>
/// The <c>Gateway:LogMaintenance</c> section: how the background jobs that keep the log answerable
/// pace themselves. The retention period itself is <c>Gateway:RetentionDays</c>.
/// </summary>
internal sealed class LogMaintenanceOptions
{
    public const string Section = "Gateway:LogMaintenance";

    /// <summary>Pause between rollup passes. Default 5 seconds.</summary>
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Log rows read (on a reader connection, off the writer) per rollup chunk; each chunk's upserts are
    /// one short writer unit. Default 20,000.
    /// </summary>
    public int RollupBatchRows { get; set; } = 20_000;

    /// <summary>Pause between retention passes. Default 1 minute.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Rows deleted per writer unit. Default 200: a unit of 2,000 held the writer (and every request
    /// waiting on a commit) for 12-25 ms; 100-200 rows keep it near 1-2 ms.
    /// </summary>
    public int RetentionBatchRows { get; set; } = 200;
}
