using Prometheus;

namespace Gateway.Observability;

/// <summary>What /metrics says of the store's background work.</summary>
internal static class StoreMetrics
{
    // SuppressInitialValue: no series until the first rollup pass has measured it.
    private static readonly Gauge RollupLag = Metrics.CreateGauge("gateway_rollup_lag_ids",
        "Log row ids above the rollups' watermark after this instance's last rollup pass. Stats and group_by read those rows from the log itself; " +
        "on PostgreSQL it keeps growing while a transaction left open on the server holds the rollups back (pg_stat_activity shows it).",
        new GaugeConfiguration { SuppressInitialValue = true });

    public static void SetRollupLag(long ids) => RollupLag.Set(ids);
}
