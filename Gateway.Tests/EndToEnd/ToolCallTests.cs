using System.ClientModel;
using System.Text;
using Gateway.Tests.Fakes;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A request that offers tools gets a tool call with ~6 KB of arguments, as models answer: the official SDK
/// reads it whole through the gateway, streamed and not, and the row meters it (arguments are output).
/// </summary>
public class ToolCallTests
{
    private static readonly ChatTool ReportTool = ChatTool.CreateFunctionTool(FakeBodies.ToolName, "Writes the report",
        BinaryData.FromString("""{"type":"object","properties":{"title":{"type":"string"},"body":{"type":"string"}}}"""));

    [Fact]
    public async Task OpenAISdk_ToolCallWithLongArguments_ArrivesWholeAndIsMetered()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 300, CompletionTokens = 1_500 };
        var account = await host.CreateAccountAsync(1m);
        var sdk = new ChatClient("test-model", new ApiKeyCredential(await host.CreateKeyAsync(account)), new OpenAIClientOptions { Endpoint = new Uri(host.Address, "/v1") });
        var options = new ChatCompletionOptions { Tools = { ReportTool } };
        var expected = FakeBodies.ToolArguments(host.Upstream.Behavior);

        var completion = (await sdk.CompleteChatAsync([new UserChatMessage("Write the report")], options)).Value;
        var streamed = new StringBuilder();
        await foreach (var update in sdk.CompleteChatStreamingAsync([new UserChatMessage("Write the report")], options))
            foreach (var call in update.ToolCallUpdates)
                streamed.Append(call.FunctionArgumentsUpdate?.ToString());

        expected.Length.Should().BeGreaterThan(4_096);
        completion.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        completion.ToolCalls.Should().ContainSingle().Which.FunctionArguments.ToString().Should().Be(expected);
        streamed.ToString().Should().Be(expected);
        var rows = await host.RowsOfTypeAsync("consume");
        rows.Should().HaveCount(2).And.OnlyContain(r => r.GetProperty("output_tokens").GetInt64() == 1_500
            && r.GetProperty("details").GetProperty("completed").GetBoolean());
    }

    [Fact]
    public async Task ToolCallStream_NoUsageReported_ArgumentsCountAsOutput()
    {
        await using var host = await GatewayHost.StartAsync();
        host.Upstream.Behavior = new FakeBehavior { OmitUsage = true };
        var sdk = new ChatClient("test-model", new ApiKeyCredential(await host.CreateKeyAsync(await host.CreateAccountAsync(1m))),
            new OpenAIClientOptions { Endpoint = new Uri(host.Address, "/v1") });

        await foreach (var _ in sdk.CompleteChatStreamingAsync([new UserChatMessage("Write the report")], new ChatCompletionOptions { Tools = { ReportTool } }))
        {
        }

        var row = (await host.RowsOfTypeAsync("consume")).Single();
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("counted");
        row.GetProperty("output_tokens").GetInt64().Should().BeGreaterThan(1_000, "~6 KB of arguments were delivered");
    }
}
