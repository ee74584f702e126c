using Dapper;
using Microsoft.Data.Sqlite;
using Metering.Storage.Sqlite.Logs;
using Metering.Storage.Sqlite.Rollups;

namespace Metering.Storage.Sqlite.Engine;

/// <summary>
/// Versioned schema changes of the log file, applied in order at start; <c>PRAGMA user_version</c>
/// records the last one applied. Append new steps, never edit shipped ones. Steps 1–5 made one file;
/// the ledger's tables (accounts, keys, the inbox) then moved to a file of their own
/// (<see cref="LedgerMigration"/>), which has its own versions.
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
        // 2: the query API. Composite (filter, time) indexes serve "newest first" pages under any one
        // filter; hourly and daily rollups (filled by RollupBuilder from rows up to last_id, see
        // RollupFamily) serve totals, stats and group_by. Latency columns d00..d23 / f00..f23 count rows per
        // LatencyHistogram bucket.
        $"""
        CREATE INDEX logs_type_time ON logs(type, time_ms);
        CREATE INDEX logs_grp_time ON logs(grp, time_ms);
        CREATE INDEX logs_token_time ON logs(token_name, time_ms);
        CREATE INDEX logs_model_time ON logs(model, time_ms);
        CREATE TABLE log_rollup_state (id INTEGER PRIMARY KEY CHECK (id = 1), last_id INTEGER NOT NULL);
        INSERT INTO log_rollup_state (id, last_id) VALUES (1, 0);
        CREATE TABLE log_rollup_group_hour (bucket_ms INTEGER NOT NULL, type TEXT NOT NULL, grp TEXT NOT NULL, {RollupMeasuresV2},
            PRIMARY KEY (bucket_ms, type, grp)) WITHOUT ROWID;
        CREATE TABLE log_rollup_group_day (bucket_ms INTEGER NOT NULL, type TEXT NOT NULL, grp TEXT NOT NULL, {RollupMeasuresV2},
            PRIMARY KEY (bucket_ms, type, grp)) WITHOUT ROWID;
        CREATE TABLE log_rollup_model_hour (bucket_ms INTEGER NOT NULL, type TEXT NOT NULL, grp TEXT NOT NULL, model TEXT NOT NULL, {RollupMeasuresV2},
            PRIMARY KEY (bucket_ms, type, grp, model)) WITHOUT ROWID;
        CREATE TABLE log_rollup_model_day (bucket_ms INTEGER NOT NULL, type TEXT NOT NULL, grp TEXT NOT NULL, model TEXT NOT NULL, {RollupMeasuresV2},
            PRIMARY KEY (bucket_ms, type, grp, model)) WITHOUT ROWID;
        CREATE TABLE log_rollup_key_hour (bucket_ms INTEGER NOT NULL, type TEXT NOT NULL, account_id INTEGER NOT NULL, token_name TEXT NOT NULL, grp TEXT NOT NULL, {RollupMeasuresV2},
            PRIMARY KEY (bucket_ms, type, account_id, token_name, grp)) WITHOUT ROWID;
        CREATE INDEX log_rollup_key_hour_account ON log_rollup_key_hour(account_id, bucket_ms);
        CREATE TABLE log_rollup_key_day (bucket_ms INTEGER NOT NULL, type TEXT NOT NULL, account_id INTEGER NOT NULL, token_name TEXT NOT NULL, grp TEXT NOT NULL, {RollupMeasuresV2},
            PRIMARY KEY (bucket_ms, type, account_id, token_name, grp)) WITHOUT ROWID;
        CREATE INDEX log_rollup_key_day_account ON log_rollup_key_day(account_id, bucket_ms);
        CREATE INDEX log_rollup_key_hour_token ON log_rollup_key_hour(token_name, bucket_ms);
        CREATE INDEX log_rollup_key_day_token ON log_rollup_key_day(token_name, bucket_ms);
        CREATE TABLE log_rollup_key_model_day (bucket_ms INTEGER NOT NULL, type TEXT NOT NULL, account_id INTEGER NOT NULL, token_name TEXT NOT NULL, grp TEXT NOT NULL, model TEXT NOT NULL, {RollupMeasuresV2},
            PRIMARY KEY (bucket_ms, type, account_id, token_name, grp, model)) WITHOUT ROWID;
        CREATE INDEX log_rollup_key_model_day_account ON log_rollup_key_model_day(account_id, bucket_ms);
        """,
        // 3: fewer index entries per request row, and a key holder's filters decided inside an index.
        // Type: consume rows (nearly all of them) leave the type index; a consume filter walks the time
        // index, which now carries the type, so even a deep consume page is read inside that index. Group, model and the rare types carry (…, time_ms, id, account_id):
        // the explicit id keeps "newest first" an index walk, and the account lets a key holder's page
        // skip other accounts' rows inside the index instead of reading each from the table (issue 4: a
        // key holder's model page read ~2,500 table rows). Rebuilding each takes ~20 s per 10M rows.
        """
        DROP INDEX logs_time;
        CREATE INDEX logs_time_type ON logs(time_ms, id, type);
        DROP INDEX logs_type_time;
        CREATE INDEX logs_rare_type_time ON logs(type, time_ms, id, account_id) WHERE type <> 'consume';
        DROP INDEX logs_grp_time;
        CREATE INDEX logs_grp_time_account ON logs(grp, time_ms, id, account_id);
        DROP INDEX logs_model_time;
        CREATE INDEX logs_model_time_account ON logs(model, time_ms, id, account_id);
        """,
        // 4: a watermark per rollup family, and per account partition (account_id % 8) in the families
        // keyed by account. Rollups are summed off the writer's thread and written in short writer units,
        // one (family, partition) at a time; each unit moves its own watermark, so a read never sees a
        // unit half written: it takes a family's rollups for the rows up to the watermark of each row's
        // partition, and the log for the rows above it. log_rollup_state.last_id stays the oldest of
        // them: the rows every family holds (what retention may delete).
        """
        CREATE TABLE log_rollup_family_state (family TEXT NOT NULL, part INTEGER NOT NULL, last_id INTEGER NOT NULL,
            PRIMARY KEY (family, part)) WITHOUT ROWID;
        INSERT INTO log_rollup_family_state (family, part, last_id)
            SELECT f.column1, p.column1, s.last_id FROM (VALUES ('group'), ('model')) AS f, (VALUES (0)) AS p, log_rollup_state AS s
            UNION ALL
            SELECT f.column1, p.column1, s.last_id FROM (VALUES ('key'), ('key_model')) AS f,
                (VALUES (0), (1), (2), (3), (4), (5), (6), (7)) AS p, log_rollup_state AS s;
        -- A key holder's model filter: the page's total from the daily rollup without walking the account's every model.
        CREATE INDEX log_rollup_key_model_day_account_model ON log_rollup_key_model_day(account_id, model, bucket_ms);
        """,
        // 5: the inbox rows land in before they move to the log in bulk (LogInbox): the log's columns, no index.
        """
        CREATE TABLE log_inbox (
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
        """,
    ];

    // The measure columns of the rollup tables of step 2 (frozen with it).
    private const string RollupMeasuresV2 = """
        requests INTEGER NOT NULL, spend_nano INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
        cached_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,
        duration_min INTEGER, duration_max INTEGER, first_token_min INTEGER, first_token_max INTEGER,
        d00 INTEGER NOT NULL, d01 INTEGER NOT NULL, d02 INTEGER NOT NULL, d03 INTEGER NOT NULL, d04 INTEGER NOT NULL, d05 INTEGER NOT NULL,
        d06 INTEGER NOT NULL, d07 INTEGER NOT NULL, d08 INTEGER NOT NULL, d09 INTEGER NOT NULL, d10 INTEGER NOT NULL, d11 INTEGER NOT NULL,
        d12 INTEGER NOT NULL, d13 INTEGER NOT NULL, d14 INTEGER NOT NULL, d15 INTEGER NOT NULL, d16 INTEGER NOT NULL, d17 INTEGER NOT NULL,
        d18 INTEGER NOT NULL, d19 INTEGER NOT NULL, d20 INTEGER NOT NULL, d21 INTEGER NOT NULL, d22 INTEGER NOT NULL, d23 INTEGER NOT NULL,
        f00 INTEGER NOT NULL, f01 INTEGER NOT NULL, f02 INTEGER NOT NULL, f03 INTEGER NOT NULL, f04 INTEGER NOT NULL, f05 INTEGER NOT NULL,
        f06 INTEGER NOT NULL, f07 INTEGER NOT NULL, f08 INTEGER NOT NULL, f09 INTEGER NOT NULL, f10 INTEGER NOT NULL, f11 INTEGER NOT NULL,
        f12 INTEGER NOT NULL, f13 INTEGER NOT NULL, f14 INTEGER NOT NULL, f15 INTEGER NOT NULL, f16 INTEGER NOT NULL, f17 INTEGER NOT NULL,
        f18 INTEGER NOT NULL, f19 INTEGER NOT NULL, f20 INTEGER NOT NULL, f21 INTEGER NOT NULL, f22 INTEGER NOT NULL, f23 INTEGER NOT NULL
        """;

    /// <summary>The log file's version once the ledger's tables have left it (see <see cref="LedgerMigration"/>).</summary>
    private const int LedgerMovedVersion = 6;

    /// <summary>Steps of the log file after the ledger moved out, versions 7 onwards; append new ones here.</summary>
    private static readonly string[] StepsAfterLedgerMoved =
    [
        // 7: a stored response's calls find the row that created it when this instance does not know it
        // (SqliteLogReader.FindResponseCreatorAsync). Partial: only the rows that carry a response id are indexed,
        // and the JSON of the others is never parsed for it.
        $"CREATE INDEX logs_response_id ON logs({LogQueries.ResponseIdExpression}) WHERE {LogQueries.HasResponseId};",
    ];

    public static int LatestVersion => LedgerMovedVersion + StepsAfterLedgerMoved.Length;

    public static void Apply(SqliteDatabase database)
    {
        using var connection = database.Open();
        connection.Execute($"PRAGMA {SqliteDatabase.LedgerSchema}.journal_mode=WAL;");
        var version = ApplyLogFileSteps(connection);
        LedgerMigration.Apply(connection, movedFromLogFile: version < LedgerMovedVersion);
        if (version < LedgerMovedVersion)
            connection.Execute($"PRAGMA main.user_version={LedgerMovedVersion};");
        for (var step = Math.Max(version, LedgerMovedVersion); step < LatestVersion; step++)
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(StepsAfterLedgerMoved[step - LedgerMovedVersion], transaction: transaction);
            connection.Execute($"PRAGMA main.user_version={step + 1};", transaction: transaction);
            transaction.Commit();
        }
    }

    /// <summary>The log file's steps alone (what a file from before the split was made of); returns the version it had.</summary>
    internal static int ApplyLogFileSteps(SqliteConnection connection)
    {
        // WAL lets readers run beside the single writer; it is a property of each file, so set it once here.
        connection.Execute("PRAGMA main.journal_mode=WAL;");
        var version = connection.ExecuteScalar<int>("PRAGMA main.user_version;");
        for (var step = version; step < Steps.Length; step++)
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(Steps[step], transaction: transaction);
            connection.Execute($"PRAGMA main.user_version={step + 1};", transaction: transaction);
            transaction.Commit();
        }
        return version;
    }
}
