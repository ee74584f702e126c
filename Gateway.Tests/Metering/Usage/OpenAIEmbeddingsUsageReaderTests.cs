using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class OpenAIEmbeddingsUsageReaderTests
{
    [Theory]
    [InlineData("""{"object":"list","data":[],"usage":{"prompt_tokens":8,"total_tokens":8}}""", 8L)]
    [InlineData("""{"object":"list","data":[],"usage":{"prompt_tokens":8,"completion_tokens":3,"total_tokens":11}}""", 8L)]
    [InlineData("""{"error":{"message":"bad"}}""", null)]
    [InlineData("garbage", null)]
    public void OnBody_Body_TakesPromptTokensOnly(string json, long? input)
    {
        var reader = UsageReaders.Create(WireFormat.OpenAIEmbeddings);

        reader.OnBody(System.Text.Encoding.UTF8.GetBytes(json));

        reader.Usage.Should().Be(input is null ? null : new TokenUsage(input.Value, 0));
    }

    [Fact]
    public void OnEvent_AnyEvent_IsOther()
    {
        var reader = UsageReaders.Create(WireFormat.OpenAIEmbeddings);

        reader.OnEvent(default, """{"usage":{"prompt_tokens":8}}"""u8).Should().Be(SseEventKind.Other);
        reader.Usage.Should().BeNull();
    }
}
