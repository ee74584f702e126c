using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>
/// The savepoint around one unit when a batch is rerun unit by unit: statements prepared once
/// (building them per unit cost ~17 µs a row).
/// </summary>
internal sealed class UnitSavepoint(SqliteConnection connection) : IDisposable
{
    private readonly PreparedStatement _save = new(connection, "SAVEPOINT unit");
    private readonly PreparedStatement _release = new(connection, "RELEASE unit");
    private readonly PreparedStatement _rollback = new(connection, "ROLLBACK TO unit");

    public void Save() => _save.Execute();

    public void Release() => _release.Execute();

    /// <summary>Undoes the unit's changes and closes its savepoint; the batch's transaction goes on.</summary>
    public void Rollback()
    {
        _rollback.Execute();
        _release.Execute();
    }

    public void Dispose()
    {
        _save.Dispose();
        _release.Dispose();
        _rollback.Dispose();
    }
}
