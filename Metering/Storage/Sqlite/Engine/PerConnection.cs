using System.Data;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>
/// One <typeparamref name="T"/> (prepared statements) per open connection, disposed when the connection
/// closes: statements still alive would keep a pooled connection's file open after the pool is cleared.
/// </summary>
internal static class PerConnection<T> where T : class, IDisposable
{
    private static readonly ConditionalWeakTable<SqliteConnection, T> Instances = new();

    // The lookup allocates only on a connection's first use (the hit path captured create in a new
    // closure every call, once per row on the writer).
    public static T Get(SqliteConnection connection, Func<SqliteConnection, T> create) =>
        Instances.TryGetValue(connection, out var existing) ? existing : Add(connection, create);

    private static T Add(SqliteConnection connection, Func<SqliteConnection, T> create) => Instances.GetValue(connection, c =>
    {
        var instance = create(c);
        c.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Closed && Instances.TryGetValue(c, out var current))
            {
                Instances.Remove(c);
                current.Dispose();
            }
        };
        return instance;
    });
}
