using System.Net;
using System.Text;
using Gateway.Tests.Fakes;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A seeded, deterministic fuzz pass over the operator API: malformed bodies of every kind on every
/// admin call, key policies included. Each answer is a 4xx JSON error (never a 5xx); no balance moves, no
/// key appears or changes; the store and the gateway stay healthy.
/// </summary>
public class AdminFuzzTests
{
    private const int Seed = 20_261_202;
    private const int Cases = 200;

    /// <summary>Values that are never a valid field: wrong kinds, out of range, not finite, hostile text.</summary>
    internal static readonly string[] BadValues =
    [
        "null", "true", "\"\"", "\"5\"", "[]", "{}", "-0.0000000001", "1e10", "-1e10", "1e309", "-1e309", "NaN", "\"NaN\"",
        "Infinity", "9223372036854775808", "\"\\ud800\"", "\"" + new string('x', 70_000) + "\"", "0x10", "1_000", "\"\\u0000\"",
        "{\"$type\":\"System.IO.FileInfo\"}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    ];

    internal static readonly string[] Garbage =
    [
        "", "{", "}", "{\"amount\":", "{\"amount\":5,}", "\u00ef\u00bb\u00bf{}", "\u0000", "[1,2", "{\"a\":1}{\"b\":2}", "nul", "{'amount':5}",
    ];

    [Fact]
    public async Task AdminCalls_FuzzedBodies_4xxJson_NoBalanceMoves_StoreIntact()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        var random = new Random(Seed);

        for (var i = 0; i < Cases; i++)
        {
            var (method, path, body, contentType) = NextCase(random, account);
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { { "Content-Type", contentType } } };
            var description = $"case {i}: {method} {path} {contentType} {(body is null ? "" : body[..Math.Min(body.Length, 120)])}";

            using var response = await host.Admin.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();

            ((int)response.StatusCode).Should().BeInRange(400, 499, description);
            FluentActions.Invoking(() => BadInputTests.ErrorType(text, anthropic: false)).Should().NotThrow($"{description} answered {(int)response.StatusCode} '{text}'");
            text.Should().NotContain("System.", description).And.NotContain(GatewayHost.AdminKey);
        }

        (await host.BalanceAsync(account)).Should().Be(1m);
        var (_, keys) = await host.GetJsonAsync($"/admin/keys?account_id={account}");
        keys.GetArrayLength().Should().Be(1);
        (keys[0].GetProperty("models").GetArrayLength(), keys[0].GetProperty("budget").ValueKind, keys[0].GetProperty("expires_at").ValueKind)
            .Should().Be((0, System.Text.Json.JsonValueKind.Null, System.Text.Json.JsonValueKind.Null), "no bad PATCH changed the key");
        using var client = host.NewClient(key);
        (await client.GetAsync("/v1/models")).StatusCode.Should().Be(HttpStatusCode.OK, "the key still works");
        (await host.LogsAsync()).Should().NotBeEmpty();
        (await host.Admin.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    // null clears a policy field, which is a valid edit: a bad allow-list closes every object body so no PATCH can succeed.
    private static string AlwaysBad(string body) =>
        body.Length > 2 && body.StartsWith('{') && body.EndsWith('}') ? body[..^1] + ",\"ip_allowlist\":[\"x\"]}" : body;

    private static string Query(string value) => value.Length < 4096 ? value : "x";

    private static (HttpMethod, string, string?, string) NextCase(Random random, long account)
    {
        var contentType = random.Next(6) switch { 0 => "text/plain", 1 => "application/x-www-form-urlencoded", _ => "application/json" };
        string Value() => BadValues[random.Next(BadValues.Length)];
        string Body(params string[] fields)
        {
            if (random.Next(5) == 0)
                return Garbage[random.Next(Garbage.Length)];
            // Every field present carries a bad value; sometimes an unknown field rides along.
            var parts = fields.Where(_ => random.Next(3) > 0).Select(f => $"\"{f}\":{Value()}").ToList();
            if (parts.Count == 0 || random.Next(4) == 0)
                parts.Add($"\"{(random.Next(2) == 0 ? "sk-gw-pasted-secret" : "balance_nano")}\":{Value()}");
            return "{" + string.Join(',', parts) + "}";
        }
        var id = random.Next(4) switch { 0 => account.ToString(), 1 => "0", 2 => "-1", _ => "99999999999999999999" };
        string[] policy = ["expires_at", "models", "budget", "budget_period", "rpm", "tpm", "ip_allowlist"];
        return random.Next(9) switch
        {
            0 => (HttpMethod.Post, "/admin/accounts", Body("name", "balance", "record_ip"), contentType),
            1 => (HttpMethod.Post, $"/admin/accounts/{id}/topup", Body("amount"), contentType),
            2 => (HttpMethod.Patch, $"/admin/accounts/{id}", Body("name", "record_ip"), contentType),
            3 => (HttpMethod.Post, "/admin/keys", Body(["account_id", "name", "group", .. policy]), contentType),
            4 => (HttpMethod.Delete, $"/admin/keys/{(id == account.ToString() ? "abc" : id)}", null, contentType),
            // The key's id is 1, as the account's: PATCH it (or an unknown one) with bad policy fields; GET an unknown one.
            5 => (HttpMethod.Patch, $"/admin/keys/{id}", AlwaysBad(Body(["name", "group", .. policy])), contentType),
            6 => (HttpMethod.Get, $"/admin/keys/{(id == account.ToString() ? "0" : id)}", null, contentType),
            7 => (HttpMethod.Get, "/admin/accounts?limit=" + Query(Uri.EscapeDataString(Value())) + "&offset=" + Query(Uri.EscapeDataString(Value())), null, contentType),
            // A query string is kept under Kestrel's 8 KB request line (past it Kestrel answers 414 itself, before any route).
            _ => (HttpMethod.Get, "/admin/keys?account_id=" + Query(Uri.EscapeDataString(Value())), null, contentType),
        };
    }
}
