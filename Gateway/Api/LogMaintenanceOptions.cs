namespace Gateway.Api;

/// <summary>
/// The <c>Gateway:LogMaintenance</c> section: how the background jobs that keep the log answerable
/// pace themselves. The retention period itself is <c>Gateway:RetentionDays</c>.
/// </summary>
internal sealed class LogMaintenanceOptions
{
    public const string Section = "Gateway:LogMaintenance";

    /// <summary>Pause between rollup passes. Default 5 seconds.</summary>
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Log ids folded into the rollups per writer unit (keeps each unit short). Default 20,000.</summary>
    public int RollupBatchRows { get; set; } = 20_000;

    /// <summary>Pause between retention passes. Default 1 minute.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows deleted per writer unit (keeps each unit short). Default 2,000.</summary>
    public int RetentionBatchRows { get; set; } = 2_000;
}
