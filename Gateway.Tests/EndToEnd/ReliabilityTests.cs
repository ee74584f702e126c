using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Microsoft.Data.Sqlite;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Nothing served unmetered: a response completes only after its row commits, and a failing store stops traffic.</summary>
public class ReliabilityTests
{
    private const string Streamed = """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    [Trait(StoreTraits.Name, StoreTraits.SqliteOnly)]
    [Fact]
    public async Task Stream_FinalEventHeldUntilRowCommits()
    {
        await using var host = await GatewayHost.StartAsync();
        // Paced, so the content events do not share an upstream read with the stream's end (which waits with it).
        host.Upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, EventInterval = TimeSpan.FromMilliseconds(20) };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        await using var locker = await LockDatabaseAsync(host);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent(Streamed) };

        using var response = await host.NewClient(key).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        while (lines.Count(l => l.Contains("\"content\":\"")) < 9)
            lines.Add((await reader.ReadLineAsync())!);
        var rest = reader.ReadToEndAsync();
        await Task.Delay(700);

        rest.IsCompleted.Should().BeFalse("the stream's end waits for the row, and the writer is locked out");
        (await host.QueryScalarAsync<long>("SELECT (SELECT COUNT(*) FROM logs WHERE type = 'consume') + (SELECT COUNT(*) FROM log_inbox WHERE type = 'consume')",
            moveInboxFirst: false)).Should().Be(0);
        await locker.DisposeAsync();
        (await rest).Should().Contain("data: [DONE]");
        (await host.RowsOfTypeAsync("consume")).Should().ContainSingle();
    }

    [Trait(StoreTraits.Name, StoreTraits.SqliteOnly)]
    [Fact]
    public async Task JsonBody_LastByteHeldUntilRowCommits()
    {
        await using var host = await GatewayHost.StartAsync();
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        await using var locker = await LockDatabaseAsync(host);

        var call = host.NewClient(key).PostAsync("/v1/chat/completions", JsonContent(Plain));
        await Task.Delay(700);

        call.IsCompleted.Should().BeFalse();
        await locker.DisposeAsync();
        var response = await call;
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage").GetProperty("prompt_tokens").GetInt32().Should().Be(12);
        (await host.RowsOfTypeAsync("consume")).Should().ContainSingle();
    }

    [Trait(StoreTraits.Name, StoreTraits.SqliteOnly)]
    [Fact]
    public async Task StoreLocked_ResponseNeverCompletes_ThenTraffic503_ThenRecovers()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:StoreBusyTimeoutMs"] = "200" });
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        var client = host.NewClient(key);
        var locker = await LockDatabaseAsync(host);

        // The row cannot commit: the client must not see a complete response.
        await StoreOutage.ExpectCutThenRefusedAsync(host, client, Plain, upstreamCallsBefore: 0);

        await locker.DisposeAsync();
        await StoreOutage.WaitUntilHealthyAsync(host);
        (await client.PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        var rows = await host.RowsOfTypeAsync("consume");
        rows.Should().ContainSingle("only the request served after recovery was charged");
        (await host.BalanceAsync(account)).Should().Be(1m - rows[0].GetProperty("spend").GetDecimal());
    }

    /// <summary>Holds the ledger file's write lock (what a request's commit takes) from another connection until disposed, as a stuck or failing disk would.</summary>
    private static async Task<SqliteConnection> LockDatabaseAsync(GatewayHost host)
    {
        var connection = new SqliteConnection($"Data Source={host.LedgerPath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "BEGIN EXCLUSIVE;";
        await command.ExecuteNonQueryAsync();
        return connection;
    }
}
