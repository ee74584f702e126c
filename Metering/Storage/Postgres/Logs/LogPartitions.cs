using System.Collections.Concurrent;
using System.Globalization;
using Dapper;
using Npgsql;

namespace Metering.Storage.Postgres.Logs;

/// <summary>
/// The monthly partitions of <c>logs</c> (UTC calendar months of <c>time_ms</c>), named <c>logs_YYYY_MM</c>.
/// Maintenance creates the coming months ahead; the writer makes sure of every month its batch writes
/// into before the batch starts (a row with an old or far time, seeded or late, never finds its
/// partition missing). Retention drops whole months.
/// </summary>
public sealed class LogPartitions
{
    /// <summary>Months created ahead of the current one.</summary>
    public const int MonthsAhead = 1;

    // Serialises partition DDL between instances: two concurrent CREATE TABLE IF NOT EXISTS of one name can both
    // pass the check and one then fails on the catalog's unique index.
    private const long PartitionLock = 0x4757504152544E53;

    private readonly ConcurrentDictionary<long, bool> _known = new();

    /// <summary>Creates the partitions of the months of <paramref name="timesMs"/> not known to exist yet.</summary>
    public void EnsureFor(NpgsqlConnection connection, IEnumerable<long> timesMs)
    {
        var missing = timesMs.Select(MonthStart).Distinct().Where(m => !_known.ContainsKey(m)).ToList();
        if (missing.Count == 0)
            return;
        using var transaction = connection.BeginTransaction();
        connection.Execute("SELECT pg_advisory_xact_lock(@PartitionLock)", new { PartitionLock }, transaction);
        foreach (var month in missing)
            connection.Execute($"CREATE TABLE IF NOT EXISTS {Name(month)} PARTITION OF logs FOR VALUES FROM ({month}) TO ({NextMonth(month)})",
                transaction: transaction);
        transaction.Commit();
        foreach (var month in missing)
            _known[month] = true;
    }

    /// <summary>This month's partition and the next <see cref="MonthsAhead"/>.</summary>
    public void EnsureAhead(NpgsqlConnection connection, long nowMs)
    {
        var month = MonthStart(nowMs);
        var months = new List<long> { month };
        for (var i = 0; i < MonthsAhead; i++)
            months.Add(month = NextMonth(month));
        EnsureFor(connection, months);
    }

    /// <summary>The partitions, oldest first, as (name, first ms, end ms exclusive).</summary>
    public static IReadOnlyList<(string Name, long StartMs, long EndMs)> List(NpgsqlConnection connection) =>
        connection.Query<string>("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'logs'::regclass")
            .Select(name => (name, Start: Parse(name)))
            .Where(p => p.Start is not null)
            .Select(p => (p.name, p.Start!.Value, NextMonth(p.Start.Value)))
            .OrderBy(p => p.Item2)
            .ToList();

    /// <summary>Forgets every month: each is made sure of again before its next row.</summary>
    public void ForgetAll() => _known.Clear();

    /// <summary>Forgets a dropped month, so a late row for it creates it again.</summary>
    public void Forget(long monthStartMs) => _known.TryRemove(monthStartMs, out _);

    public static long MonthStart(long timeMs)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(timeMs);
        return new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    public static long NextMonth(long monthStartMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(monthStartMs).AddMonths(1).ToUnixTimeMilliseconds();

    public static string Name(long monthStartMs) =>
        "logs_" + DateTimeOffset.FromUnixTimeMilliseconds(monthStartMs).ToString("yyyy_MM", CultureInfo.InvariantCulture);

    private static long? Parse(string name) =>
        DateTimeOffset.TryParseExact(name, "'logs_'yyyy_MM", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var month) ? month.ToUnixTimeMilliseconds() : null;
}
