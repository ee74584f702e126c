using Dapper;
using Metering.Storage.Postgres.Engine;

namespace Gateway.Tests.Metering.Storage.Postgres;

/// <summary>How the gateway's data source talks to PostgreSQL: statements it repeats are prepared unless the operator says not to.</summary>
[Trait(Fakes.StoreTraits.Name, Fakes.StoreTraits.Postgres)]
public class PostgresDatabaseTests
{
    private const string Repeated = "SELECT COUNT(*) FROM pg_class WHERE relname = @name";

    [Fact]
    public async Task Open_ByDefault_AStatementRunTwiceIsPreparedOnTheServer()
    {
        var connectionString = await (await Fakes.PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var database = new PostgresDatabase(connectionString);

        (await PreparedAfterRepeatingAsync(database)).Should().Contain(s => s.Contains("pg_class"),
            "the writer's statements repeat for every batch: parsing and planning each time costs PostgreSQL's CPU");
    }

    [Theory]
    [InlineData("Max Auto Prepare=0")]
    [InlineData("MaxAutoPrepare=0")]
    public async Task Open_OperatorTurnedPreparingOff_NothingIsPrepared(string setting)
    {
        var connectionString = await (await Fakes.PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var database = new PostgresDatabase(connectionString + ";" + setting);

        (await PreparedAfterRepeatingAsync(database)).Should().BeEmpty("behind a pooler that cannot keep prepared statements the operator turns them off");
    }

    [Fact]
    public async Task Open_OperatorRaisedTheUsagesBeforePreparing_ThreeRunsPrepareNothing()
    {
        var connectionString = await (await Fakes.PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var database = new PostgresDatabase(connectionString + ";Auto Prepare Min Usages=5");

        (await PreparedAfterRepeatingAsync(database)).Should().BeEmpty("the operator's own threshold stays (three runs are fewer than five)");
    }

    private static async Task<List<string>> PreparedAfterRepeatingAsync(PostgresDatabase database)
    {
        await using var connection = await database.OpenAsync();
        for (var i = 0; i < 3; i++)
            await connection.ExecuteScalarAsync<long>(Repeated, new { name = "pg_type" });
        return (await connection.QueryAsync<string>("SELECT statement FROM pg_prepared_statements")).ToList();
    }
}
