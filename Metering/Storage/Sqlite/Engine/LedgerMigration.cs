using Dapper;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>
/// The ledger file's schema (attached as <c>ledger</c>): accounts, keys and the log inbox, the tables a
/// request's commit writes. They began in the log file (its steps 1 and 5), which every store still
/// migrates through first; the ledger's first version recreates them in the ledger file from their
/// declarations there (columns, keys and indexes exactly as shipped), copies their rows over (none in a
/// new store) and drops them from the log file. The two files cannot commit together, so each half is
/// safe to repeat: a crash after the copy committed leaves the copy in place (the ledger's version says
/// so) and only the drop is done again at the next start.
/// </summary>
internal static class LedgerMigration
{
    private const string Ledger = SqliteDatabase.LedgerSchema;

    // Keys reference accounts: created after them, dropped before them.
    private static readonly string[] Tables = ["accounts", "api_keys", "log_inbox"];

    private const int Version = 1;

    /// <param name="movedFromLogFile">The log file still holds the ledger's tables (its version is from before the split).</param>
    public static void Apply(SqliteConnection connection, bool movedFromLogFile)
    {
        if (connection.ExecuteScalar<int>($"PRAGMA {Ledger}.user_version;") < Version)
            CreateFromLogFile(connection);
        if (!movedFromLogFile)
            return;
        using var drop = connection.BeginTransaction();
        foreach (var table in Tables.Reverse())
            connection.Execute($"DROP TABLE IF EXISTS main.{table}", transaction: drop);
        drop.Commit();
    }

    private static void CreateFromLogFile(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        foreach (var table in Tables)
        {
            var declarations = connection.Query<(string Type, string Name, string Sql)>(
                "SELECT type, name, sql FROM main.sqlite_master WHERE tbl_name = @table AND sql IS NOT NULL ORDER BY type = 'index'",
                new { table }, transaction).ToList();
            if (declarations.Count == 0)
                throw new InvalidOperationException($"the ledger file {Ledger} is new but the log file has no {table} table to start it from: was the ledger file deleted?");
            foreach (var (type, name, sql) in declarations)
                connection.Execute(InLedger(sql, type, name), transaction: transaction);
            connection.Execute($"INSERT INTO {Ledger}.{table} SELECT * FROM main.{table}", transaction: transaction);
        }
        connection.Execute($"PRAGMA {Ledger}.user_version={Version};", transaction: transaction);
        transaction.Commit();
    }

    // "CREATE TABLE accounts (" → "CREATE TABLE ledger.accounts ("; "CREATE INDEX api_keys_account ON …" likewise.
    private static string InLedger(string sql, string type, string name)
    {
        var head = $"CREATE {type.ToUpperInvariant()} {name}";
        return sql.StartsWith(head, StringComparison.OrdinalIgnoreCase)
            ? $"CREATE {type.ToUpperInvariant()} {Ledger}.{name}{sql[head.Length..]}"
            : throw new InvalidOperationException($"unexpected declaration of {name}");
    }
}
