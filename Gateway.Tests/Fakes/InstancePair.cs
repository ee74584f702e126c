using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Fakes;

/// <summary>
/// Two gateway instances on one Redis, each with its own SQLite file, fake upstream and admin key, and
/// one account and key created the same way on both: the key has the same id (1) on both, so they count
/// it in the same shared windows, as instances on one PostgreSQL store would. Each holds its own secret
/// for it (the secret is generated per store).
/// </summary>
public sealed class InstancePair : IAsyncDisposable
{
    private readonly HttpClient[] _clients;

    private InstancePair(GatewayHost a, GatewayHost b, string secretA, string secretB)
    {
        (A, B, SecretA, SecretB) = (a, b, secretA, secretB);
        _clients = [a.NewClient(secretA), b.NewClient(secretB)];
    }

    public GatewayHost A { get; }

    public GatewayHost B { get; }

    public string SecretA { get; }

    public string SecretB { get; }

    /// <summary>The key's client on A for even <paramref name="i"/>, on B for odd: traffic spread over both.</summary>
    public HttpClient Client(int i) => _clients[i % 2];

    /// <param name="settings">For both; the key is in group <c>limited</c> (configure it, or it is refused at creation).</param>
    public static async Task<InstancePair> StartAsync(RedisServer redis, Dictionary<string, string?> settings, string group = "limited")
    {
        settings["ConnectionStrings:Redis"] = redis.ConnectionString;
        var a = await GatewayHost.StartAsync(settings);
        var b = await GatewayHost.StartAsync(settings);
        var secrets = new string[2];
        var hosts = new[] { a, b };
        for (var i = 0; i < 2; i++)
        {
            secrets[i] = await hosts[i].CreateKeyAsync(await hosts[i].CreateAccountAsync(1m), "shared", group);
            var keys = await hosts[i].Admin.GetFromJsonAsync<JsonElement>("/admin/keys");
            keys.EnumerateArray().Single().GetProperty("id").GetInt64().Should().Be(1, "both stores give the key the same id");
        }
        return new InstancePair(a, b, secrets[0], secrets[1]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
