using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using Gateway.Translation;

namespace Gateway.Tests.Gateway.Translation;

public class OpenAIToAnthropicResponseTests
{
    /// <summary>The translated body, read and validated by the official Anthropic SDK's own model.</summary>
    private static (Message Sdk, JsonNode Json) Translate(string name)
    {
        var body = ChatTranslation.AnthropicToOpenAI.TranslateResponse(TranslationTranscript.Load(name), createdUnixSeconds: 0);
        body.Should().NotBeNull();
        var message = Message.FromRawUnchecked(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(body)!);
        message.Validate();
        return (message, JsonNode.Parse(body)!);
    }

    [Fact]
    public void TranslateResponse_ToolCalls_AreToolUseBlocksWithTheirInputObject()
    {
        var (message, json) = Translate("openai-chat-tool-calls.json");

        message.ID.Should().Be("chatcmpl-BRfA3mX8pQ2vN6tLs9yKz1wRb4eH");
        ((string?)json["type"]).Should().Be("message");
        ((string?)json["role"]).Should().Be("assistant");
        var block = json["content"]!.AsArray().Should().ContainSingle().Subject!;
        ((string?)block["type"]).Should().Be("tool_use");
        ((string?)block["id"]).Should().Be("call_Paris01");
        ((string?)block["name"]).Should().Be("get_weather");
        JsonNode.DeepEquals(block["input"], JsonNode.Parse("""{"location":"Paris","unit":"celsius"}""")).Should().BeTrue();
        ((string?)json["stop_reason"]).Should().Be("tool_use");
    }

    [Fact]
    public void TranslateResponse_Usage_InputExcludesCacheReads()
    {
        var (message, _) = Translate("openai-chat-tool-calls.json");

        // prompt 2140 of which 1920 cached: Anthropic's input_tokens excludes the cached 1920.
        message.Usage.InputTokens.Should().Be(220);
        message.Usage.CacheReadInputTokens.Should().Be(1_920);
        message.Usage.CacheCreationInputTokens.Should().Be(0);
        message.Usage.OutputTokens.Should().Be(19);
    }

    [Fact]
    public void TranslateResponse_Text_IsOneTextBlockEndingTheTurn()
    {
        var (_, json) = Translate("openai-chat.json");
        var raw = System.Text.Encoding.UTF8.GetString(ChatTranslation.AnthropicToOpenAI.TranslateResponse(TranslationTranscript.Load("openai-chat.json"), 0)!);

        raw.Should().Contain("— population ≈ 2.1", "text stays UTF-8, as providers send it, not \\u escapes");

        ((string?)json["content"]![0]!["text"]).Should().Be("The capital of France is \"Paris\" — population ≈ 2.1 million.");
        ((string?)json["stop_reason"]).Should().Be("end_turn");
        ((long)json["usage"]!["input_tokens"]!).Should().Be(1_462 - 1_280);
    }

    [Fact]
    public void TranslateResponse_ArgumentsThatAreNotJson_CannotBeTranslated()
    {
        var body = """{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"x","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]},"finish_reason":"tool_calls"}]}""";

        ChatTranslation.AnthropicToOpenAI.TranslateResponse(System.Text.Encoding.UTF8.GetBytes(body), 0).Should().BeNull();
    }

    [Theory]
    [InlineData("stop", "end_turn")]
    [InlineData("length", "max_tokens")]
    [InlineData("tool_calls", "tool_use")]
    [InlineData("content_filter", "refusal")]
    public void StopReason_EachOpenAIReason_HasItsAnthropicStopReason(string openAI, string anthropic) =>
        StopReasons.OpenAIToAnthropic(openAI).Should().Be(anthropic);
}
