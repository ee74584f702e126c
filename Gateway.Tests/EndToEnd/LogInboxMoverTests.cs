using Gateway.Tests.Fakes;

namespace Gateway.Tests.EndToEnd;

/// <summary>The gateway's mover carries rows from the inbox into the log on its own, without a read asking.</summary>
[Trait(StoreTraits.Name, StoreTraits.SqliteOnly)]
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

        // Straight from the file (no move first, as a read would do): only the mover can have emptied the inbox.
        long inbox;
        for (var waited = 0; (inbox = await host.QueryScalarAsync<long>("SELECT COUNT(*) FROM log_inbox", moveInboxFirst: false)) > 0 && waited < 100; waited++)
            await Task.Delay(50);
        inbox.Should().Be(0);
        (await host.QueryScalarAsync<long>("SELECT COUNT(*) FROM logs WHERE type = 'consume'", moveInboxFirst: false)).Should().Be(1);
    }
}
