using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Npgsql;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd.Postgres;

/// <summary>PostgreSQL missing at start, lost during traffic, or cut off in the middle of a commit.</summary>
[Trait(StoreTraits.Name, StoreTraits.Postgres)]
public class PostgresFailureTests
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Start_ServerUnreachable_FailsNamingTheHostButNotThePassword()
    {
        var port = FreePort.Next();
        var start = async () => await GatewayHost.StartAsync(connectionString:
            $"Host=127.0.0.1;Port={port};Username=gw;Password=hunter2-secret;Database=gateway;Timeout=3");

        var failure = (await start.Should().ThrowAsync<Exception>()).Which;
        var message = failure.ToString();
        message.Should().Contain($"PostgreSQL at 127.0.0.1:{port}/gateway cannot be used");
        message.Should().NotContain("hunter2-secret");
    }

    [Fact]
    public async Task DatabaseLost_ResponseNeverCompletes_ThenTraffic503_ThenRecoversByItself()
    {
        var server = await PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync();
        // A balance well clear of zero, trusted for a minute: the admission of the first request after the
        // loss decides from memory, so that request reaches the upstream and only its row cannot commit.
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:StoreBalanceMaxAgeMs"] = "60000" }, connectionString: database);
        var account = await host.CreateAccountAsync(100m);
        var key = await host.CreateKeyAsync(account);
        var client = host.NewClient(key);
        (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);

        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        await AdminSqlAsync(server, $"ALTER DATABASE {name} ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");

        // The row cannot commit: the client must not see a complete response.
        await StoreOutage.ExpectCutThenRefusedAsync(host, client, Plain, upstreamCallsBefore: 1);

        await AdminSqlAsync(server, $"ALTER DATABASE {name} ALLOW_CONNECTIONS true");
        await StoreOutage.WaitUntilHealthyAsync(host);
        (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        var rows = await host.RowsOfTypeAsync("consume");
        rows.Should().HaveCount(2, "the request before the loss and the one after recovery; the cut one was never committed");
        (await host.BalanceAsync(account)).Should().Be(100m - rows.Sum(r => r.GetProperty("spend").GetDecimal()));
    }

    [Fact]
    public async Task TopUpCommittedButItsAnswerLost_FoundByTheBatchId_NotRunAgain_CreditedOnce()
    {
        var server = await PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync();
        await using var proxy = CommitCuttingProxy.Start(server.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(database) { Port = proxy.Port }.ConnectionString;
        await using var host = await GatewayHost.StartAsync(connectionString: throughProxy);
        var account = await host.CreateAccountAsync(1m);

        proxy.Arm();
        using var response = await host.Admin.PostAsJsonAsync($"/admin/accounts/{account}/topup", new { amount = 2.5m });

        proxy.Cut.IsCompleted.Should().BeTrue("the top-up's COMMIT went through and its answer was cut");
        response.StatusCode.Should().Be(HttpStatusCode.OK, "the batch is found committed by its id");
        (await host.BalanceAsync(account)).Should().Be(3.5m, "a committed batch is never run again: credited once");
        (await host.QueryScalarAsync<long>("SELECT COUNT(*) FROM logs WHERE type = 'system' AND message LIKE 'top-up%'")).Should().Be(1);
    }

    [Fact]
    public async Task RequestRowCommittedButTheAnswerLost_FoundByTheBatchId_OneRow_ChargedOnce()
    {
        var server = await PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync();
        await using var proxy = CommitCuttingProxy.Start(server.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(database) { Port = proxy.Port }.ConnectionString;
        // A balance far from zero, trusted for a minute: admission reads nothing, so the next COMMIT is the row's.
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:StoreBalanceMaxAgeMs"] = "60000" },
            connectionString: throughProxy);
        var account = await host.CreateAccountAsync(100m);
        var key = await host.CreateKeyAsync(account);
        (await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);

        proxy.Arm();
        using var response = await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(Plain));

        proxy.Cut.IsCompleted.Should().BeTrue("the row's COMMIT went through and its answer was cut");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var rows = await host.RowsOfTypeAsync("consume");
        rows.Should().HaveCount(2, "the cut batch committed once and was not written again");
        (await host.BalanceAsync(account)).Should().Be(100m - rows.Sum(r => r.GetProperty("spend").GetDecimal()), "charged once each");

        // The next batch carries nothing of the cut one: neither its rows nor its debits (whose answers were never read).
        (await host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        rows = await host.RowsOfTypeAsync("consume");
        rows.Should().HaveCount(3);
        rows.Select(r => r.GetProperty("request_id").GetString()).Should().OnlyHaveUniqueItems();
        (await host.QueryScalarAsync<long>($"SELECT balance_nano FROM accounts WHERE id = {account}")).Should()
            .Be(100_000_000_000 - await host.QueryScalarAsync<long>($"SELECT SUM(spend_nano) FROM logs WHERE account_id = {account}"));
    }

    [Fact]
    public async Task WriterTerminatedDuringCommit_BatchLookedUpThenRunOnce_ChargedOnce()
    {
        var server = await PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync();
        await using var host = await GatewayHost.StartAsync(connectionString: database);
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        // A deferred constraint trigger runs inside COMMIT: while `pause` holds a row, the next commit sleeps there.
        await using var test = new NpgsqlConnection(database);
        await test.OpenAsync();
        await ExecuteAsync(test, """
            CREATE TABLE pause (x int);
            INSERT INTO pause VALUES (1);
            CREATE FUNCTION sleep_in_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM pause) AND EXISTS (SELECT 1 FROM logs WHERE type = 'consume') THEN PERFORM pg_sleep(5); END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER sleep_in_commit AFTER INSERT ON write_batches DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION sleep_in_commit();
            """);

        var request = host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(Plain));
        var pid = 0;
        for (var i = 0; i < 100 && pid == 0; i++)
        {
            await Task.Delay(50);
            await using var find = new NpgsqlCommand("SELECT COALESCE(MAX(pid), 0) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'", test);
            pid = (int)(await find.ExecuteScalarAsync())!;
        }
        pid.Should().NotBe(0, "the writer's commit is sleeping in the trigger");
        await ExecuteAsync(test, $"DELETE FROM pause; SELECT pg_terminate_backend({pid})");

        using var response = await request;
        response.StatusCode.Should().Be(HttpStatusCode.OK, "the batch was found not committed and run again");
        var rows = await host.RowsOfTypeAsync("consume");
        rows.Should().ContainSingle();
        (await host.BalanceAsync(account)).Should().Be(1m - rows[0].GetProperty("spend").GetDecimal(), "charged once");
        (await host.QueryScalarAsync<long>("SELECT COUNT(*) FROM write_batches")).Should().BeGreaterThan(0);
    }

    private static async Task AdminSqlAsync(PostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString());
        await connection.OpenAsync();
        await ExecuteAsync(connection, sql);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
