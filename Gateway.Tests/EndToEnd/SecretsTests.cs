using System.Text;
using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Gateway keys, upstream keys and the admin key appear nowhere: not in logs at any level, rows or the database.</summary>
[Trait(StoreTraits.Name, StoreTraits.SqliteOnly)]
public class SecretsTests
{
    [Fact]
    public async Task Secrets_NeverInLogsRowsOrDatabase()
    {
        await using var host = await GatewayHost.StartAsync();
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        var client = host.NewClient(key);
        await client.PostAsync("/v1/chat/completions", JsonContent("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}"""));
        await (await client.PostAsync("/v1/chat/completions", JsonContent("""{"model":"test-model","stream":true,"messages":[]}"""))).Content.ReadAsStringAsync();
        await client.PostAsync("/v1/chat/completions", JsonContent("{broken"));
        await host.NewClient(key + "x").PostAsync("/v1/chat/completions", JsonContent("{}"));
        host.Upstream.Behavior = new FakeBehavior { FailWithStatus = 500 };
        await client.PostAsync("/v1/chat/completions", JsonContent("""{"model":"test-model","messages":[]}"""));
        await host.NewClient("wrong-admin").GetAsync("/admin/accounts/1");
        var rowsJson = string.Join("\n", (await host.LogsAsync()).Select(r => r.ToString()));
        var files = Directory.GetFiles(Path.GetDirectoryName(host.DatabasePath)!).Where(f => Path.GetFileName(f).StartsWith("gateway.", StringComparison.Ordinal)); // the log's file, the ledger's, their WALs
        var fileText = string.Concat(files.Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        fileText.Should().Contain("sk-gw-…", "key hints are stored, so the file was read");

        string[] secrets = [key, key[ApiKeySecretPrefixLength..], GatewayHost.AdminKey, GatewayHost.UpstreamKey, GatewayHost.AnthropicUpstreamKey];
        var logText = string.Join("\n", host.Logs.Lines);
        host.Logs.Lines.Should().NotBeEmpty();
        foreach (var secret in secrets)
        {
            logText.Should().NotContain(secret);
            rowsJson.Should().NotContain(secret);
            fileText.Should().NotContain(secret);
        }
    }

    private const int ApiKeySecretPrefixLength = 6;
}
