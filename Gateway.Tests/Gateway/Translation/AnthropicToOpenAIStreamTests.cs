using System.ClientModel.Primitives;
using System.Text;
using Gateway.Translation;
using OpenAI.Chat;

namespace Gateway.Tests.Gateway.Translation;

public class AnthropicToOpenAIStreamTests
{
    private static List<TranslatedStep> Feed(bool includeUsage) =>
        TranslationTranscript.Feed(ChatTranslation.OpenAIToAnthropic.NewStream(includeUsage, 1_745_430_000),
            TranslationTranscript.Load("anthropic-messages-stream.sse"));

    /// <summary>Each chunk as the official OpenAI SDK reads it; [DONE] is not a chunk.</summary>
    private static List<StreamingChatCompletionUpdate> Updates(IEnumerable<TranslatedStep> steps) =>
        steps.SelectMany(s => s.Events).Where(e => e.Data != "[DONE]" && e.Name != ":")
            .Select(e => ModelReaderWriter.Read<StreamingChatCompletionUpdate>(BinaryData.FromString(e.Data))!).ToList();

    [Fact]
    public void Translate_EachTextDelta_IsOneContentChunkAtOnce()
    {
        var steps = Feed(includeUsage: false);

        steps.Where(s => s.UpstreamEvent == "content_block_delta").Take(3).Should().OnlyContain(s => s.Events.Count == 1 && s.Content);
        steps.Single(s => s.UpstreamEvent == "message_start").Events.Should().ContainSingle();
        steps.Where(s => s.UpstreamEvent == "content_block_stop").Should().OnlyContain(s => s.Events.Count == 0);
        // Anthropic's ping keeps the connection alive; an SSE comment does that for an OpenAI client.
        steps.Single(s => s.UpstreamEvent == "ping").Events.Should().ContainSingle().Which.Name.Should().Be(":");
        Updates(steps).Select(u => string.Concat(u.ContentUpdate.Select(p => p.Text))).Aggregate(string.Concat)
            .Should().Be("Okay, let me check the weather in San Francisco for you.");
    }

    [Fact]
    public void Translate_ToolUseBlock_StreamsAsToolCallDeltasTheSdkAssembles()
    {
        var updates = Updates(Feed(includeUsage: false));
        var calls = updates.SelectMany(u => u.ToolCallUpdates).ToList();
        var arguments = new StringBuilder();
        foreach (var call in calls)
            arguments.Append(call.FunctionArgumentsUpdate?.ToString());

        calls.Should().OnlyContain(c => c.Index == 0, "the first tool block is OpenAI's tool call 0");
        calls[0].ToolCallId.Should().Be("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        calls[0].FunctionName.Should().Be("get_weather");
        arguments.ToString().Should().Be("""{"location": "San Francisco, CA", "unit": "fahrenheit"}""");
        updates.Should().OnlyContain(u => u.CompletionId == "msg_01XFDUDYJgAACzvnptvVoYEL" && u.Model == "claude-sonnet-4-5-20250929");
        updates.Single(u => u.FinishReason is not null).FinishReason.Should().Be(ChatFinishReason.ToolCalls);
    }

    [Fact]
    public void Translate_ClientAskedForUsage_GetsTheUsageChunkThenDone()
    {
        var steps = Feed(includeUsage: true);
        var last = steps.Single(s => s.UpstreamEvent == "message_stop").Events;
        var usage = Updates(steps).Single(u => u.Usage is not null).Usage;

        last.Select(e => e.Data).Last().Should().Be("[DONE]");
        last.Should().HaveCount(2);
        // message_start's input side (21 + writes 1188 + reads 3014) with message_delta's output (89).
        usage.InputTokenCount.Should().Be(4_223);
        usage.InputTokenDetails.CachedTokenCount.Should().Be(3_014);
        usage.OutputTokenCount.Should().Be(89);
    }

    [Fact]
    public void Translate_ClientDidNotAskForUsage_GetsNoUsageChunk()
    {
        var steps = Feed(includeUsage: false);

        steps.Single(s => s.UpstreamEvent == "message_stop").Events.Select(e => e.Data).Should().Equal("[DONE]");
        Updates(steps).Should().OnlyContain(u => u.Usage == null);
    }

    [Fact]
    public void Translate_ErrorEvent_IsAnOpenAIErrorChunk()
    {
        var stream = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"u8.ToArray();

        var step = TranslationTranscript.Feed(ChatTranslation.OpenAIToAnthropic.NewStream(false, 0), stream).Single();

        ((string?)step.Events.Single().Json["error"]!["message"]).Should().Be("Overloaded");
        ((string?)step.Events.Single().Json["error"]!["type"]).Should().Be("overloaded_error");
    }

    [Fact]
    public void Translate_BrokenEvent_IsPassedOverAndTheStreamGoesOn()
    {
        var stream = "event: content_block_delta\ndata: {broken\n\nevent: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"u8.ToArray();

        var steps = TranslationTranscript.Feed(ChatTranslation.OpenAIToAnthropic.NewStream(false, 0), stream);

        steps[0].Events.Should().BeEmpty();
        ((string?)steps[1].Events.Single().Json["id"]).Should().Be("msg_1");
    }
}
