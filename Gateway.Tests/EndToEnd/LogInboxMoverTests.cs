using Gateway.Tests.Fakes;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.EndToEnd;

/// <summary>The gateway's mover carries rows from the inbox into the log on its own, without a read asking.</summary>
public class LogInboxMoverTests
{
    [Fact]
    public async Task Request_ItsRowReachesTheLogTableWithoutAnyRead()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(10m));
        using var client = host.NewClient(key);

        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();

        var counts = await CountsAsync(host);
        for (var waited = 0; counts.Inbox > 0 && waited < 100; waited++)
        {
            await Task.Delay(50);
            counts = await CountsAsync(host);
        }
        counts.Inbox.Should().Be(0);
        counts.Consume.Should().Be(1);
    }

    // Straight from the file, not through QueryScalarAsync (which moves the inbox first, as reads do).
    private static async Task<(long Consume, long Inbox)> CountsAsync(GatewayHost host)
    {
        await using var connection = new SqliteConnection($"Data Source={host.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM logs WHERE type = 'consume'), (SELECT COUNT(*) FROM log_inbox)";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
