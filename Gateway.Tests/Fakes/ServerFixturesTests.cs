using Npgsql;
using StackExchange.Redis;

namespace Gateway.Tests.Fakes;

/// <summary>The throwaway servers the many-instance tests stand on start, answer, and keep tests apart.</summary>
public class ServerFixturesTests
{
    [Fact]
    public async Task Postgres_TwoDatabases_AnswerAndAreSeparate()
    {
        var server = await PostgresServer.SharedAsync();
        var first = await server.CreateDatabaseAsync();
        var second = await server.CreateDatabaseAsync();

        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE t (x int); INSERT INTO t VALUES (42)", connection).ExecuteNonQueryAsync();
            (await new NpgsqlCommand("SELECT x FROM t", connection).ExecuteScalarAsync()).Should().Be(42);
        }
        await using (var connection = new NpgsqlConnection(second))
        {
            await connection.OpenAsync();
            (await new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE tablename = 't'", connection).ExecuteScalarAsync()).Should().Be(0L);
            (await new NpgsqlCommand("SHOW listen_addresses", connection).ExecuteScalarAsync()).Should().Be("127.0.0.1");
        }
    }

    [Fact]
    public async Task Redis_StartsOnLoopback_AnswersAndStops()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var db = connection.GetDatabase();

        await db.StringSetAsync("k", "v");

        ((string?)await db.StringGetAsync("k")).Should().Be("v");
        server.Port.Should().BeGreaterThan(0);
    }
}
