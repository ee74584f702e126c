using Dapper;
using Microsoft.Data.Sqlite;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>
/// The ledger file's schema (attached as <c>ledger</c>): accounts, keys and the log inbox, the tables a
/// request's commit writes (and, from version 3, run-time model prices beside their system rows). They
/// began in the log file (its steps 1 and 5), which every store still migrates through first; the
/// ledger's first version recreates them in the ledger file from their declarations there (columns, keys
/// and indexes exactly as shipped), copies their rows over (none in a new store) and drops them from the
/// log file. The two files cannot commit together, so each half is
/// safe to repeat: a crash after the copy committed leaves the copy in place (the ledger's version says
/// so) and only the drop is done again at the next start.
/// </summary>
internal static class LedgerMigration
{
    private const string Ledger = SqliteDatabase.LedgerSchema;

    // Keys reference accounts: created after them, dropped before them.
    private static readonly string[] Tables = ["accounts", "api_keys", "log_inbox"];

    private const int Version = 1;

    // The ledger's own steps after its first version (version 2 onwards). Append new steps, never edit shipped ones.
    private static readonly string[] Steps =
    [
        // 2: key policies (SPEC §13) and each key's spend per UTC day, written in the same transaction as
        // the rows and debits (LogRowInserter). Lists are JSON arrays of strings. The spend of rows already
        // stored (the log and the inbox) is summed in, so a budget counts them.
        $$"""
        ALTER TABLE {{Ledger}}.api_keys ADD COLUMN expires_ms INTEGER;
        ALTER TABLE {{Ledger}}.api_keys ADD COLUMN models TEXT;
        ALTER TABLE {{Ledger}}.api_keys ADD COLUMN budget_nano INTEGER;
        ALTER TABLE {{Ledger}}.api_keys ADD COLUMN budget_period TEXT;
        ALTER TABLE {{Ledger}}.api_keys ADD COLUMN rpm INTEGER;
        ALTER TABLE {{Ledger}}.api_keys ADD COLUMN tpm INTEGER;
        ALTER TABLE {{Ledger}}.api_keys ADD COLUMN ip_allowlist TEXT;
        CREATE TABLE {{Ledger}}.key_spend (
            key_id     INTEGER NOT NULL,
            day_ms     INTEGER NOT NULL,
            spend_nano INTEGER NOT NULL,
            PRIMARY KEY (key_id, day_ms)
        ) WITHOUT ROWID;
        INSERT INTO {{Ledger}}.key_spend (key_id, day_ms, spend_nano)
            SELECT key_id, time_ms - time_ms % 86400000, SUM(spend_nano)
            FROM (SELECT key_id, time_ms, spend_nano FROM main.logs UNION ALL SELECT key_id, time_ms, spend_nano FROM {{Ledger}}.log_inbox)
            WHERE key_id IS NOT NULL AND spend_nano <> 0
            GROUP BY 1, 2;
        """,
        // 3: model prices set at run time (SPEC §13), beside the system rows that record each change (the inbox
        // is in this file: one commit holds both). Ratios and prices are decimal text, exact as given.
        $$"""
        CREATE TABLE {{Ledger}}.model_prices (
            model             TEXT    NOT NULL PRIMARY KEY,
            cluster           TEXT    NOT NULL,
            model_ratio       TEXT,
            completion_ratio  TEXT,
            cache_ratio       TEXT,
            cache_write_ratio TEXT,
            price             TEXT,
            upstream_model    TEXT,
            changed_ms        INTEGER NOT NULL
        );
        """,
    ];

    /// <param name="movedFromLogFile">The log file still holds the ledger's tables (its version is from before the split).</param>
    public static void Apply(SqliteConnection connection, bool movedFromLogFile)
    {
        if (connection.ExecuteScalar<int>($"PRAGMA {Ledger}.user_version;") < Version)
            CreateFromLogFile(connection);
        ApplySteps(connection);
        if (!movedFromLogFile)
            return;
        using var drop = connection.BeginTransaction();
        foreach (var table in Tables.Reverse())
            connection.Execute($"DROP TABLE IF EXISTS main.{table}", transaction: drop);
        drop.Commit();
    }

    private static void ApplySteps(SqliteConnection connection)
    {
        var version = connection.ExecuteScalar<int>($"PRAGMA {Ledger}.user_version;");
        for (var step = version - Version; step < Steps.Length; step++)
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(Steps[step], transaction: transaction);
            connection.Execute($"PRAGMA {Ledger}.user_version={Version + step + 1};", transaction: transaction);
            transaction.Commit();
        }
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
