using Npgsql;

namespace Metering.Storage.Postgres.Engine;

/// <summary>PostgreSQL work for the writer: runs on the writer's connection, inside the batch's transaction.</summary>
internal static class PostgresWork
{
    public delegate long Work(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresWriteSession session);

    public static Task<long> ExecuteAsync(this IWriteQueue queue, Work work, CancellationToken cancellationToken = default) =>
        queue.ExecuteAsync(Adapt(work), cancellationToken);

    private static StoreWork Adapt(Work work) => session =>
    {
        var postgres = (PostgresWriteSession)session;
        return work(postgres.Connection, postgres.Transaction, postgres);
    };
}
