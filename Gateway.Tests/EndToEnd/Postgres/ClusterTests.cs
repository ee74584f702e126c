using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Npgsql;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd.Postgres;

/// <summary>
/// SPEC §10, issue #16 item 7: three gateway processes (the built Gateway.dll, each its own OS process) on
/// one PostgreSQL database and one Redis, behind no balancer but the test spreading its traffic over them.
/// </summary>
[Trait(StoreTraits.Name, StoreTraits.Postgres)]
public sealed class ClusterTests : IAsyncLifetime
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";
    private const string Streamed = """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
    private const decimal InitialBalance = 100m;
    private const decimal TopUp = 7.5m;
    private const long NanoPerUsd = 1_000_000_000;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gateway-tests", Guid.NewGuid().ToString("N"));
    private PostgresServer _postgres = null!;
    private RedisServer _redis = null!;
    private FakeUpstream _upstream = null!;
    private string _database = "";
    private readonly GatewayProcess?[] _gateways = new GatewayProcess?[3];

    private string WorkingFile => Path.Combine(_directory, "unused.db");

    // The group with the shared Rpm; the key cache is never re-read by age, so only the change feed can
    // tell an instance that a key was revoked elsewhere. Redis may take longer than the default 250 ms to
    // answer a burst on a loaded 2-core box, and an admission that waits longer decides from the instance's
    // own window (by design): this test is about the shared window, so it waits up to 5 s for Redis (and
    // checks no admission fell back).
    private Dictionary<string, string> Settings() => new()
    {
        ["ConnectionStrings:Redis"] = _redis.ConnectionString,
        ["Gateway:RedisTimeoutMs"] = "5000",
        ["Groups:limited:Rpm"] = "10",
        ["Gateway:KeyCacheSeconds"] = "3600",
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _postgres = await PostgresServer.SharedAsync();
        _database = await _postgres.CreateDatabaseAsync();
        _redis = await RedisServer.StartAsync();
        _upstream = await FakeUpstream.StartAsync();
        _upstream.Behavior = new FakeBehavior { Reply = FakeBehavior.ShortReply, EventInterval = TimeSpan.FromMilliseconds(15) };
        // One after the other: the first migrates the empty database, the others find it migrated.
        for (var i = 0; i < _gateways.Length; i++)
            _gateways[i] = await GatewayProcess.StartAsync(WorkingFile, _upstream.BaseAddress, connectionString: _database, settings: Settings());
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            if (gateway is not null)
                await gateway.DisposeAsync();
        }
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task MixedLoadOverThree_OneKilledAndRestarted_WritersCutOff_EveryCompletedRequestOneRow_LedgerExact()
    {
        var addresses = _gateways.Select(g => g!.Address).ToArray();
        var (account, key) = await SetUpAccountAsync(addresses[0], "load", group: null, InitialBalance);
        var completed = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        // Four workers per instance, streaming and JSON alternating.
        var workers = Enumerable.Range(0, 12).Select(i => LoadAsync(addresses[i % 3], key, streaming: i % 2 == 0, completed, stop.Token)).ToArray();

        await WaitForCompletedAsync(completed, 30);
        // A top-up on the third instance while the others debit the same account.
        var admin = Client(addresses[2], GatewayHost.AdminKey);
        (await admin.PostAsync($"/admin/accounts/{account}/topup", JsonContent($$"""{"amount":{{TopUp}}}"""))).EnsureSuccessStatusCode();

        // kill -9 the second instance mid-load; its workers' requests fail until it is back on the same port.
        var killed = _gateways[1]!;
        killed.Kill();
        await killed.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await killed.DisposeAsync();
        _gateways[1] = null;
        await WaitForCompletedAsync(completed, completed.Count + 20);
        _gateways[1] = await GatewayProcess.StartAsync(WorkingFile, _upstream.BaseAddress, port: addresses[1].Port, connectionString: _database, settings: Settings());

        // Cut every connection the gateways hold on the database (writers included, some mid-commit), three
        // times, while the load goes on: a batch whose commit outcome is unknown must be looked up, not re-run.
        var terminated = 0L;
        for (var i = 0; i < 3; i++)
        {
            await WaitForCompletedAsync(completed, completed.Count + 15);
            terminated += await ScalarAsync<long>("SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()) t");
        }
        // And the restarted instance serves again.
        var afterRestart = new ConcurrentBag<string>();
        var check = LoadAsync(addresses[1], key, streaming: true, afterRestart, CancellationToken.None, once: true);
        await WaitForCompletedAsync(completed, completed.Count + 30);
        stop.Cancel();
        await Task.WhenAll(workers);
        await check;

        terminated.Should().BeGreaterThan(0, "the gateways held connections on the database");
        afterRestart.Should().ContainSingle("the instance restarted after kill -9 serves on the same database");
        var all = completed.Concat(afterRestart).ToArray();
        all.Should().OnlyHaveUniqueItems();
        // Requests a stopped worker abandoned may still be writing their rows (the client left; the row is
        // written anyway), and a batch whose connection was cut commits once its writer's store probe
        // succeeds: read once the ledger has stopped moving.
        await LedgerQuietAsync(account);
        var rows = await RequestIdCountsAsync(account);
        rows.Keys.Should().Contain(all, "every response a client saw complete has its row");
        rows.Where(r => r.Value > 1).Should().BeEmpty("no request is logged (or debited) twice");
        // Balance and spend from one statement (one snapshot), so a late commit cannot fall between them.
        var (balanceNano, spendNano) = await LedgerAsync(account);
        spendNano.Should().BeGreaterThan(0);
        balanceNano.Should().Be((long)((InitialBalance + TopUp) * NanoPerUsd) - spendNano, "balance = initial + top-ups − Σ spend, to the nano-dollar");
        // Every instance answers the database's balance. Polled: a commit still in flight moves it for all alike.
        decimal[] seen = [];
        for (var i = 0; i < 30; i++, await Task.Delay(500))
        {
            (balanceNano, _) = await LedgerAsync(account);
            seen = await Task.WhenAll(_gateways.Select(async g => (await Client(g!.Address, GatewayHost.AdminKey)
                .GetFromJsonAsync<JsonElement>($"/admin/accounts/{account}")).GetProperty("balance").GetDecimal()));
            if (seen.All(b => b == (decimal)balanceNano / NanoPerUsd) && (await LedgerAsync(account)).Balance == balanceNano)
                break;
        }
        seen.Should().AllBeEquivalentTo((decimal)balanceNano / NanoPerUsd, "every instance reads the one ledger");
    }

    private async Task<(long Balance, long Spend)> LedgerAsync(long account)
    {
        await using var connection = new NpgsqlConnection(_database + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT (SELECT balance_nano FROM accounts WHERE id = {account}), (SELECT COALESCE(SUM(spend_nano), 0)::bigint FROM logs WHERE account_id = {account})", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    [Fact]
    public async Task GroupRpm10_AdmitsExactly10AcrossThree_KeyRevokedOnOneRefusedByTheOthersWithin2Seconds()
    {
        var addresses = _gateways.Select(g => g!.Address).ToArray();
        var (_, limited) = await SetUpAccountAsync(addresses[0], "limited", group: "limited", 10m);

        // Thirty requests at once, ten on each instance, well within one minute.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var client = Client(addresses[i % 3], limited);
            using var response = await client.PostAsync("/v1/chat/completions", JsonContent(i % 2 == 0 ? Plain : Streamed));
            await response.Content.ReadAsStringAsync();
            return response.StatusCode;
        }));
        foreach (var address in addresses)
            (await LocalFallbacksAsync(address)).Should().Be(0, "every admission was decided in Redis");
        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(10, "the group's Rpm is counted once, in Redis, for all three");
        statuses.Count(s => s == HttpStatusCode.TooManyRequests).Should().Be(20);
        _upstream.Received.Should().HaveCount(10);

        // A key every instance has cached (one served request each), revoked on the first.
        var (_, revoked) = await SetUpAccountAsync(addresses[1], "revoked", group: null, 10m);
        foreach (var address in addresses)
            (await Client(address, revoked).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.OK);
        var admin = Client(addresses[0], GatewayHost.AdminKey);
        var keyId = (await admin.GetFromJsonAsync<JsonElement>("/admin/keys")).EnumerateArray()
            .Single(k => k.GetProperty("name").GetString() == "revoked").GetProperty("id").GetInt64();
        (await admin.DeleteAsync($"/admin/keys/{keyId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var revokedAt = Stopwatch.StartNew();

        // Poll both others until refused. SPEC §10 allows 2 s; the extra 0.5 s is the poll's own round trip
        // on a shared 2-core box running three gateways, PostgreSQL, Redis and the test (a poll that started
        // inside the 2 s may answer after it). The key cache is an hour, so only the feed can refuse it.
        var refusedAfter = await Task.WhenAll(addresses.Skip(1).Select(async address =>
        {
            using var client = Client(address, revoked);
            while (revokedAt.Elapsed < TimeSpan.FromSeconds(2.5))
            {
                using var response = await client.PostAsync("/v1/chat/completions", JsonContent(Plain));
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                    return revokedAt.Elapsed;
                response.StatusCode.Should().Be(HttpStatusCode.OK);
                await Task.Delay(50);
            }
            return TimeSpan.MaxValue;
        }));
        refusedAfter.Should().AllSatisfy(t => t.Should().BeLessThan(TimeSpan.FromSeconds(2.5), "a revocation reaches every instance within 2 s"));
        (await Client(addresses[0], revoked).PostAsync("/v1/chat/completions", JsonContent(Plain))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    private static async Task<double> LocalFallbacksAsync(Uri address)
    {
        var text = await Client(address, GatewayHost.AdminKey).GetStringAsync("/metrics");
        var match = System.Text.RegularExpressions.Regex.Match(text, "gateway_rate_limit_redis_fallbacks_total\\{action=\"local\"\\} ([0-9.e+]+)");
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static async Task WaitForCompletedAsync(ConcurrentBag<string> completed, int count)
    {
        // Generous: a loaded 2-core box may need a while; the test asserts on what completed, not on speed.
        for (var waited = 0; completed.Count < count && waited < 1200; waited++)
            await Task.Delay(50);
        completed.Count.Should().BeGreaterThanOrEqualTo(count, "the load makes progress");
    }

    private static async Task LoadAsync(Uri address, string key, bool streaming, ConcurrentBag<string> completed, CancellationToken stop, bool once = false)
    {
        using var client = Client(address, key);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.PostAsync("/v1/chat/completions", JsonContent(streaming ? Streamed : Plain), stop);
                var body = await response.Content.ReadAsStringAsync(stop);
                var done = streaming ? body.Contains("data: [DONE]") : body.TrimEnd().EndsWith('}');
                if (response.StatusCode == HttpStatusCode.OK && done)
                {
                    completed.Add(response.Headers.GetValues("x-request-id").Single());
                    if (once)
                        return;
                }
                else
                {
                    await Task.Delay(20, CancellationToken.None);
                }
            }
            catch (Exception)
            {
                // The instance died under us, or its database connection was cut (503, or a cut response):
                // this response did not complete, so it promises nothing.
                if (stop.IsCancellationRequested)
                    return;
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private static async Task<(long Account, string Key)> SetUpAccountAsync(Uri address, string name, string? group, decimal balance)
    {
        var admin = Client(address, GatewayHost.AdminKey);
        var account = (await (await admin.PostAsJsonAsync("/admin/accounts", new { name, balance })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var key = (await (await admin.PostAsJsonAsync("/admin/keys", new { account_id = account, name, group })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        return (account, key);
    }

    private async Task<Dictionary<string, long>> RequestIdCountsAsync(long account)
    {
        await using var connection = new NpgsqlConnection(_database + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT request_id, COUNT(*) FROM logs WHERE account_id = {account} AND request_id <> '' GROUP BY request_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync())
            counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private async Task LedgerQuietAsync(long account)
    {
        var sql = $"SELECT (SELECT COUNT(*) FROM logs WHERE account_id = {account}) * 1000003 + (SELECT balance_nano FROM accounts WHERE id = {account}) % 1000003";
        var last = await ScalarAsync<long>(sql);
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(500);
            var now = await ScalarAsync<long>(sql);
            if (now == last)
                return;
            last = now;
        }
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_database + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T));
    }

    private static HttpClient Client(Uri address, string key)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
