using Dapper;

namespace Metering.Storage.Postgres.Engine;

/// <summary>
/// Settles a commit whose outcome is unknown (the connection dropped after COMMIT was sent): the batch
/// committed if and only if its id is in <c>write_batches</c>. Asked on a fresh connection, and only once
/// the old session's server process is gone: while it lives it may still be finishing that COMMIT, and
/// a lookup before then could answer "not committed" for a batch that commits a moment later (a retry
/// would then debit it twice).
/// </summary>
internal static class BatchOutcome
{
    /// <summary>How long the old server process gets to end by itself before it is terminated.</summary>
    private static readonly TimeSpan GraceBeforeTerminate = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(10);

    /// <summary>True when the batch committed; throws when the store cannot tell (then nothing may be retried).</summary>
    public static bool WasCommitted(PostgresDatabase database, Guid batchId, WriterBackend oldBackend)
    {
        using var connection = database.Open();
        var started = DateTime.UtcNow;
        var terminated = false;
        while (IsAlive(connection, oldBackend))
        {
            var waited = DateTime.UtcNow - started;
            if (waited > GiveUpAfter)
                throw new TimeoutException("the writer's previous server process did not end; the batch's outcome is unknown");
            if (!terminated && waited > GraceBeforeTerminate)
            {
                connection.Execute("SELECT pg_terminate_backend(@Pid)", new { oldBackend.Pid });
                terminated = true;
            }
            Thread.Sleep(20);
        }
        return connection.ExecuteScalar<bool>("SELECT EXISTS (SELECT 1 FROM write_batches WHERE id = @batchId)", new { batchId });
    }

    // The pid together with its start time: a pid may be reused by a later connection, which is not ours to wait for.
    private static bool IsAlive(System.Data.IDbConnection connection, WriterBackend backend) =>
        connection.ExecuteScalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = @Pid AND backend_start = @Started)",
            new { backend.Pid, backend.Started });
}

/// <summary>The server process behind the writer's connection: its pid and when it started.</summary>
internal sealed record WriterBackend(int Pid, DateTime Started);
