using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>
/// A statement prepared once on a connection and bound by position through SQLitePCL's raw API. On the
/// writer's hot path Microsoft.Data.Sqlite's per-execution work (parameters looked up by name, a data
/// reader per call, boxed values) cost more than SQLite's own insert did.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    // A zero-length span pins to a null pointer, which SQLite binds as NULL: '' needs a real, terminated buffer.
    private static readonly byte[] EmptyText = [0];

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[512];

    public PreparedStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    /// <summary>Binds text as UTF-8; SQLite copies it at once (SQLITE_TRANSIENT), so one scratch buffer serves every column.</summary>
    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }
        if (value.Length == 0)
        {
            Check(raw.sqlite3_bind_text(_statement, index, utf8z.FromSpan(EmptyText)));
            return;
        }
        var needed = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < needed)
            _utf8 = new byte[Math.Max(needed, _utf8.Length * 2)];
        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length)));
    }

    /// <summary>Runs the statement to its end; returns the rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            Check(rc);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
        return raw.sqlite3_changes(_db);
    }

    /// <summary>Runs a query that answers one integer (the first column of its first row).</summary>
    public long QueryInt64()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            Check(rc);
            return rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_statement, 0) : throw new InvalidOperationException("the query answered no row");
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>The rowid the last INSERT on this connection assigned.</summary>
    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose() => _statement.Dispose();
}
