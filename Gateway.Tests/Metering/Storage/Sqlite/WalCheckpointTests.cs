using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Metering.Storage.Sqlite;

/// <summary>The writer's commits leave the WAL to the checkpoint pass beside it until 10,000 pages; the pass copies it all.</summary>
public class WalCheckpointTests
{
    [Fact]
    public async Task WriterCommit_LeavesTheWalToTheCheckpointer_WhichCopiesItAll()
    {
        await using var store = TempStore.Create();
        var file = store.Database.FilePath;
        using (var writer = store.Database.OpenForLogWrites())
        {
            Execute(writer, "CREATE TABLE filler (x BLOB NOT NULL);");
            using var transaction = writer.BeginTransaction();
            using var insert = writer.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO filler (x) VALUES (zeroblob(4000));";
            for (var i = 0; i < 3000; i++)
                insert.ExecuteNonQuery();
            transaction.Commit();
        }
        var before = new FileInfo(file).Length;

        var (walFrames, checkpointed) = await store.Database.CheckpointAsync();

        before.Should().BeLessThan(4_000_000, "SQLite's default would have checkpointed at 1,000 pages, inside the commit; the writer waits for 10,000");
        walFrames.Should().BeGreaterThan(3000);
        checkpointed.Should().Be(walFrames);
        new FileInfo(file).Length.Should().BeGreaterThan(12_000_000);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
