using Npgsql;

namespace Metering.Storage.Postgres.Engine;

/// <summary>Sorts the exceptions of a write: the store's fault or the unit's, and whether the transaction surely rolled back.</summary>
internal static class PostgresFailures
{
    /// <summary>
    /// The store, not the unit, is at fault: the whole batch fails. Everything Npgsql throws but data
    /// errors (class 22) and constraint violations (class 23), which belong to the unit that wrote them.
    /// </summary>
    public static bool IsStoreFailure(Exception ex) =>
        ex is NpgsqlException && !(ex is PostgresException pg && (pg.SqlState.StartsWith("22") || pg.SqlState.StartsWith("23")));

    /// <summary>PostgreSQL rolled the transaction back and said so: deadlock or serialisation failure. Safe to run again.</summary>
    public static bool IsRolledBack(Exception ex) => ex is PostgresException { SqlState: "40P01" or "40001" };

    /// <summary>A row's month has no partition (check_violation "no partition of relation found for row"); nothing was written.</summary>
    public static bool IsMissingPartition(Exception ex) => ex is PostgresException { SqlState: "23514", ConstraintName: null };

    /// <summary>The connection is gone (network, server restart, the session terminated): the outcome of a COMMIT in flight is unknown.</summary>
    public static bool IsConnectionLost(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08") || pg.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException => true,
        _ => false,
    };
}
