using System.Data;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Metering.Storage;

/// <summary>
/// One <typeparamref name="T"/> (prepared statements) per open connection, disposed when the connection
/// closes: statements still alive would keep a pooled connection's file open after the pool is cleared.
/// </summary>
internal static class PerConnection<T> where T : class, IDisposable
{
    private static readonly ConditionalWeakTable<SqliteConnection, T> Instances = new();

    public static T Get(SqliteConnection connection, Func<SqliteConnection, T> create) => Instances.GetValue(connection, c =>
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
