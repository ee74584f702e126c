using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Keys with policies and calls with them, for the key policy tests (SPEC §13).</summary>
internal static class KeyPolicyHelpers
{
    public const string Chat = "/v1/chat/completions";
    public const string Messages = "/v1/messages";

    /// <param name="policyFields">JSON fields after account_id and name, e.g. <c>"budget":1</c>; empty for none.</param>
    public static async Task<(long Id, string Secret)> CreateKeyAsync(GatewayHost host, long accountId, string policyFields = "", string name = "ci")
    {
        var comma = policyFields.Length > 0 ? "," : "";
        var response = await host.Admin.PostAsync("/admin/keys", JsonContent($$"""{"account_id":{{accountId}},"name":"{{name}}"{{comma}}{{policyFields}}}"""));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.Should().Be(HttpStatusCode.Created, body.ToString());
        return (body.GetProperty("id").GetInt64(), body.GetProperty("key").GetString()!);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PatchKeyAsync(GatewayHost host, long keyId, string json)
    {
        using var response = await host.Admin.PatchAsync($"/admin/keys/{keyId}", JsonContent(json));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>A chat call (OpenAI route) or a messages call (Anthropic route, key in x-api-key); the status and the body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(GatewayHost host, string key, string model = "test-model",
        bool anthropic = false, string? forwardedFor = null)
    {
        using var client = host.NewClient(anthropic ? null : key);
        using var request = new HttpRequestMessage(HttpMethod.Post, anthropic ? Messages : Chat)
        {
            Content = JsonContent(anthropic
                ? $$"""{"model":"{{model}}","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"""
                : $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}"""),
        };
        if (anthropic)
        {
            request.Headers.Add("x-api-key", key);
            request.Headers.Add("anthropic-version", "2023-06-01");
        }
        if (forwardedFor is not null)
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    /// <summary>The error code in either wire format (OpenAI's error.code; Anthropic's error.code beside its error.type).</summary>
    public static string? ErrorCode(JsonElement body) => body.GetProperty("error").GetProperty("code").GetString();

    /// <summary>The key's error rows: each must have spent nothing.</summary>
    public static async Task<JsonElement[]> ErrorRowsAsync(GatewayHost host, string tokenName = "ci") =>
        (await host.RowsOfTypeAsync("error")).Where(r => r.GetProperty("token_name").GetString() == tokenName).ToArray();

    public static async Task<JsonElement> GetKeyAsync(GatewayHost host, long keyId)
    {
        var (status, body) = await host.GetJsonAsync($"/admin/keys/{keyId}");
        status.Should().Be(HttpStatusCode.OK);
        return body;
    }
}
