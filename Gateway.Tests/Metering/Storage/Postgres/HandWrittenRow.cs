using Npgsql;

namespace Gateway.Tests.Metering.Storage.Postgres;

/// <summary>
/// A log row written by hand in a transaction the test controls, in the writer's order: the batch's uuid first
/// (so the transaction holds its id before it takes a row id), then the row. Left open, it is a batch in flight.
/// </summary>
internal static class HandWrittenRow
{
    /// <summary>Writes the row; returns its id.</summary>
    public static async Task<long> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long timeMs, long spendNano = 0)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("INSERT INTO write_batches (id, committed_ms) VALUES (gen_random_uuid(), 0)"),
                new("INSERT INTO logs (id, request_id, time_ms, type, spend_nano) VALUES (nextval('log_id_seq'), 'by-hand', $1, 'consume', $2) RETURNING id")
                {
                    Parameters = { new() { Value = timeMs }, new() { Value = spendNano } },
                },
            },
        };
        return (long)(await batch.ExecuteScalarAsync())!;
    }
}
