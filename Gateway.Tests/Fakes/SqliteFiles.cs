using Metering.Storage.Sqlite.Engine;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Fakes;

/// <summary>A gateway's SQLite store read from outside, as an operator's sqlite3 would: the log file with the ledger's file attached.</summary>
internal static class SqliteFiles
{
    public static async Task<SqliteConnection> OpenAsync(string logPath, bool readOnly = true)
    {
        var connection = new SqliteConnection($"Data Source={logPath};{(readOnly ? "Mode=ReadOnly;" : "")}Pooling=False");
        await connection.OpenAsync();
        await using var attach = connection.CreateCommand();
        attach.CommandText = $"ATTACH DATABASE $ledger AS {SqliteDatabase.LedgerSchema};";
        attach.Parameters.AddWithValue("$ledger", SqliteDatabase.LedgerPathFor(logPath));
        await attach.ExecuteNonQueryAsync();
        return connection;
    }
}
