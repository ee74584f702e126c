using Gateway.Tests.Fakes;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>Runs alone: memory is measured for the whole test process, so no other test may run beside it.</summary>
[CollectionDefinition(nameof(MemoryMeasured), DisableParallelization = true)]
public sealed class MemoryMeasured;

/// <summary>A 100 MB stream passes with flat memory: the observer counts as it goes and keeps no text.</summary>
[Collection(nameof(MemoryMeasured))]
public class LargeStreamTests
{
    [Fact]
    public async Task HundredMegabyteStream_PassesWithFlatMemory()
    {
        await using var host = await GatewayHost.StartAsync();
        // One 1 KiB piece per event, ~100 MB of SSE in all.
        var piece = string.Join(' ', Enumerable.Repeat("metering streams without buffering", 29)) + ".";
        host.Upstream.Behavior = new FakeBehavior { Reply = piece.Replace(' ', '\u00a0'), Repeat = 80_000, PromptTokens = 10, CompletionTokens = 7 };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(100m));
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent("""{"model":"test-model","stream":true,"messages":[{"role":"user","content":"go"}]}"""),
        };

        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        long received = 0, peak = 0;
        using (var response = await host.NewClient(key).SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        await using (var body = await response.Content.ReadAsStreamAsync())
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                received += read;
                if (received % (8 * 1024 * 1024) < read)
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - before);
            }
        }

        received.Should().BeGreaterThan(100_000_000);
        // The whole text would be 100 MB; the gateway, client and fake together stay far below that.
        peak.Should().BeLessThan(48 * 1024 * 1024);
        var row = await StreamingTests.WaitForRowAsync(host, "consume");
        row.GetProperty("output_tokens").GetInt64().Should().Be(7);
        row.GetProperty("details").GetProperty("completed").GetBoolean().Should().BeTrue();
    }
}
