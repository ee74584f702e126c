using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Microsoft.Data.Sqlite;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// The gateway as a real process under load, killed or stopped: every response a client saw complete
/// has its row afterwards, and the balance still equals initial + top-ups − Σ spend.
/// </summary>
[Trait(StoreTraits.Name, StoreTraits.SqliteOnly)]
public class CrashTests : IAsyncLifetime
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";
    private const string Streamed = """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
    private const decimal InitialBalance = 100m;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gateway-tests", Guid.NewGuid().ToString("N"));
    private FakeUpstream _upstream = null!;

    private string DatabasePath => Path.Combine(_directory, "gateway.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _upstream = await FakeUpstream.StartAsync();
        _upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, EventInterval = TimeSpan.FromMilliseconds(15) };
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Sigkill_UnderLoad_EveryCompletedResponseHasItsRowAndBalanceHolds()
    {
        var (account, key) = (0L, "");
        var completed = new ConcurrentBag<string>();
        await using (var gateway = await GatewayProcess.StartAsync(DatabasePath, _upstream.BaseAddress))
        {
            (account, key) = await SetUpAccountAsync(gateway.Address);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(i => LoadAsync(gateway.Address, key, streaming: i % 2 == 0, completed, stop.Token)).ToArray();
            // Kill mid-load, once some responses have completed (a busy machine may need a while to get there).
            for (var waited = 0; completed.Count < 20 && waited < 300; waited++)
                await Task.Delay(50);
            await Task.Delay(200);
            gateway.Kill();
            stop.Cancel();
            await Task.WhenAll(workers);
        }

        completed.Should().NotBeEmpty();
        await using var restarted = await GatewayProcess.StartAsync(DatabasePath, _upstream.BaseAddress);
        var rows = await AllRequestIdsAsync(restarted.Address);
        rows.Should().Contain(completed.ToArray());
        await BalanceShouldEqualInitialMinusSpendAsync(account);
    }

    [Fact]
    public async Task Sigterm_InFlightRequestsFinishAndNothingIsLost()
    {
        _upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, EventInterval = TimeSpan.FromMilliseconds(60) };
        long account;
        var bodies = new List<Task<string>>();
        await using (var gateway = await GatewayProcess.StartAsync(DatabasePath, _upstream.BaseAddress))
        {
            string key;
            (account, key) = await SetUpAccountAsync(gateway.Address);
            var client = Client(gateway.Address, key);
            var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
                client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent(Streamed) }, HttpCompletionOption.ResponseHeadersRead)));
            bodies.AddRange(responses.Select(r => r.Content.ReadAsStringAsync()));

            gateway.Terminate();
            await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));
            gateway.ExitCode.Should().Be(0);
        }

        foreach (var body in bodies)
            (await body).Should().Contain("data: [DONE]");
        // Rows of requests that finished during shutdown, after the mover stopped, moved when the store closed.
        await using (var stopped = await SqliteFiles.OpenAsync(DatabasePath))
        {
            await using var count = stopped.CreateCommand();
            count.CommandText = "SELECT (SELECT COUNT(*) FROM log_inbox), (SELECT COUNT(*) FROM logs WHERE type = 'consume')";
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            (reader.GetInt64(0), reader.GetInt64(1)).Should().Be((0L, 6L));
        }
        await using var restarted = await GatewayProcess.StartAsync(DatabasePath, _upstream.BaseAddress);
        var admin = Client(restarted.Address, GatewayHost.AdminKey);
        var page = await admin.GetFromJsonAsync<JsonElement>("/logs?page_size=1000");
        var consume = page.GetProperty("items").EnumerateArray().Where(r => r.GetProperty("type").GetString() == "consume").ToArray();
        consume.Should().HaveCount(6);
        consume.Should().AllSatisfy(r => r.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeTrue());
        await BalanceShouldEqualInitialMinusSpendAsync(account);
    }

    private static async Task LoadAsync(Uri address, string key, bool streaming, ConcurrentBag<string> completed, CancellationToken stop)
    {
        using var client = Client(address, key);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.PostAsync("/v1/chat/completions", JsonContent(streaming ? Streamed : Plain));
                var body = await response.Content.ReadAsStringAsync();
                var done = streaming ? body.Contains("data: [DONE]") : body.EndsWith('}');
                if (response.IsSuccessStatusCode && done)
                    completed.Add(response.Headers.GetValues("x-request-id").Single());
            }
            catch (Exception)
            {
                // The gateway died under us: this response did not complete, so it promises nothing.
                if (stop.IsCancellationRequested)
                    return;
                await Task.Delay(10);
            }
        }
    }

    private static async Task<(long Account, string Key)> SetUpAccountAsync(Uri address)
    {
        var admin = Client(address, GatewayHost.AdminKey);
        var account = (await (await admin.PostAsJsonAsync("/admin/accounts", new { name = "load", balance = InitialBalance }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var key = (await (await admin.PostAsJsonAsync("/admin/keys", new { account_id = account, name = "load" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        return (account, key);
    }

    private static async Task<HashSet<string>> AllRequestIdsAsync(Uri address)
    {
        var admin = Client(address, GatewayHost.AdminKey);
        var ids = new HashSet<string>();
        for (var page = 1; ; page++)
        {
            var items = (await admin.GetFromJsonAsync<JsonElement>($"/logs?page_size=1000&page={page}")).GetProperty("items").EnumerateArray().ToArray();
            foreach (var row in items)
                ids.Add(row.GetProperty("request_id").GetString()!);
            if (items.Length < 1000)
                return ids;
        }
    }

    private async Task BalanceShouldEqualInitialMinusSpendAsync(long account)
    {
        await using var connection = await SqliteFiles.OpenAsync(DatabasePath);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT (SELECT balance_nano FROM accounts WHERE id = {account}), (SELECT COALESCE(SUM(spend_nano), 0) FROM (SELECT spend_nano FROM logs WHERE account_id = {account} UNION ALL SELECT spend_nano FROM log_inbox WHERE account_id = {account} AND id > (SELECT COALESCE(MAX(id), 0) FROM logs)))";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        reader.GetInt64(0).Should().Be((long)(InitialBalance * 1_000_000_000m) - reader.GetInt64(1));
        reader.GetInt64(1).Should().BeGreaterThan(0);
    }

    private static HttpClient Client(Uri address, string key)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
