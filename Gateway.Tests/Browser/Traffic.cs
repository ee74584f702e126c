using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Fakes;

namespace Gateway.Tests.Browser;

/// <summary>Client calls through the gateway (to its fake upstream) that leave rows for the page to show.</summary>
internal static class Traffic
{
    /// <summary>One non-streamed chat completion; returns the gateway's request id.</summary>
    public static async Task<string> ChatAsync(GatewayHost host, string key, string model = "test-model")
    {
        using var client = host.NewClient(key);
        var response = await client.PostAsJsonAsync("/v1/chat/completions",
            new { model, messages = new[] { new { role = "user", content = "hello" } } });
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("x-request-id").Single();
    }

    /// <summary>The ledger writes in batches: wait until the operator can read this many rows.</summary>
    public static async Task<JsonElement[]> WaitForRowsAsync(GatewayHost host, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var rows = await host.LogsAsync();
            if (rows.Length >= count || DateTime.UtcNow > deadline)
                return rows;
            await Task.Delay(50);
        }
    }
}
