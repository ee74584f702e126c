using System.ClientModel.Primitives;
using Gateway.Translation;
using OpenAI.Chat;

namespace Gateway.Tests.Gateway.Translation;

public class AnthropicToOpenAIResponseTests
{
    /// <summary>The translated body, read by the official OpenAI SDK's own model.</summary>
    private static ChatCompletion Translate(string name)
    {
        var body = ChatTranslation.OpenAIToAnthropic.TranslateResponse(TranslationTranscript.Load(name), createdUnixSeconds: 1_745_430_000);
        body.Should().NotBeNull();
        return ModelReaderWriter.Read<ChatCompletion>(BinaryData.FromBytes(body!))!;
    }

    [Fact]
    public void TranslateResponse_TextAndToolUse_AreContentAndToolCalls()
    {
        var completion = Translate("anthropic-messages.json");

        completion.Id.Should().Be("msg_01Aq9w938a90dw8q");
        completion.Model.Should().Be("claude-sonnet-4-5-20250929");
        completion.CreatedAt.ToUnixTimeSeconds().Should().Be(1_745_430_000);
        completion.Role.Should().Be(ChatMessageRole.Assistant);
        // The thinking block has no OpenAI field; the text and the call do.
        completion.Content.Should().ContainSingle().Which.Text.Should().Be("I'll look that up.");
        var call = completion.ToolCalls.Should().ContainSingle().Subject;
        call.Id.Should().Be("toolu_01A09q90qw90lq917835lq9");
        call.FunctionName.Should().Be("get_weather");
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(call.FunctionArguments.ToString()),
            System.Text.Json.Nodes.JsonNode.Parse("""{"location":"Paris","unit":"celsius"}""")).Should().BeTrue();
        completion.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
    }

    [Fact]
    public void TranslateResponse_Usage_PromptCountsCacheReadsAndWrites()
    {
        var usage = Translate("anthropic-messages.json").Usage;

        // input 472 + cache writes 96 + cache reads 2048; reads are OpenAI's cached tokens.
        usage.InputTokenCount.Should().Be(2_616);
        usage.InputTokenDetails.CachedTokenCount.Should().Be(2_048);
        usage.OutputTokenCount.Should().Be(91);
        usage.TotalTokenCount.Should().Be(2_707);
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    [InlineData("model_context_window_exceeded", "length")]
    public void StopReason_EachAnthropicReason_HasItsOpenAIFinishReason(string anthropic, string openAI) =>
        StopReasons.AnthropicToOpenAI(anthropic).Should().Be(openAI);

    [Theory]
    [InlineData("<html>Bad gateway</html>")]
    [InlineData("""{"type":"message","content":"not an array"}""")]
    public void TranslateResponse_NotTheAnswerTheFormatPromises_IsNull(string body) =>
        ChatTranslation.OpenAIToAnthropic.TranslateResponse(System.Text.Encoding.UTF8.GetBytes(body), 0).Should().BeNull();
}
