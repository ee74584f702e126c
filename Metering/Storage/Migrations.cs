using Dapper;

namespace Metering.Storage;

/// <summary>
/// Versioned schema changes, applied in order at start; <c>PRAGMA user_version</c> records the last
/// one applied. Append new steps, never edit shipped ones.
/// </summary>
public static class Migrations
{
    private static readonly string[] Steps =
    [
        // 1: accounts, keys and the usage log. Money is integer nano-USD, time integer unix-ms.
        """
        CREATE TABLE accounts (
            id           INTEGER PRIMARY KEY,
            name         TEXT    NOT NULL,
            balance_nano INTEGER NOT NULL,
            record_ip    INTEGER NOT NULL DEFAULT 0,
            created_ms   INTEGER NOT NULL
        );
        CREATE TABLE api_keys (
            id         INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            name       TEXT    NOT NULL,
            grp        TEXT    NOT NULL,
            key_hash   BLOB    NOT NULL UNIQUE,
            key_hint   TEXT    NOT NULL,
            created_ms INTEGER NOT NULL,
            revoked_ms INTEGER
        );
        CREATE INDEX api_keys_account ON api_keys(account_id);
        CREATE TABLE logs (
            id                 INTEGER PRIMARY KEY,
            request_id         TEXT    NOT NULL,
            time_ms            INTEGER NOT NULL,
            type               TEXT    NOT NULL,
            account_id         INTEGER,
            key_id             INTEGER,
            token_name         TEXT    NOT NULL DEFAULT '',
            grp                TEXT    NOT NULL DEFAULT '',
            model              TEXT    NOT NULL DEFAULT '',
            path               TEXT    NOT NULL DEFAULT '',
            status             INTEGER NOT NULL DEFAULT 0,
            stream             INTEGER NOT NULL DEFAULT 0,
            duration_ms        INTEGER,
            first_token_ms     INTEGER,
            input_tokens       INTEGER NOT NULL DEFAULT 0,
            output_tokens      INTEGER NOT NULL DEFAULT 0,
            cached_tokens      INTEGER NOT NULL DEFAULT 0,
            cache_write_tokens INTEGER NOT NULL DEFAULT 0,
            spend_nano         INTEGER NOT NULL DEFAULT 0,
            ip                 TEXT,
            message            TEXT,
            details            TEXT
        );
        CREATE INDEX logs_time ON logs(time_ms);
        CREATE INDEX logs_account_time ON logs(account_id, time_ms);
        """,
    ];

    public static int LatestVersion => Steps.Length;

    public static void Apply(SqliteDatabase database)
    {
        using var connection = database.Open();
        // WAL lets readers run beside the single writer; it is a property of the file, so set it once here.
        connection.Execute("PRAGMA journal_mode=WAL;");
        var version = connection.ExecuteScalar<int>("PRAGMA user_version;");
        for (var step = version; step < Steps.Length; step++)
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(Steps[step], transaction: transaction);
            connection.Execute($"PRAGMA user_version={step + 1};", transaction: transaction);
            transaction.Commit();
        }
    }
}
