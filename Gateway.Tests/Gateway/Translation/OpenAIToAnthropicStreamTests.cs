using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using Gateway.Translation;

namespace Gateway.Tests.Gateway.Translation;

public class OpenAIToAnthropicStreamTests
{
    private static List<TranslatedStep> Feed(string name = "openai-chat-stream-tool-calls.sse") =>
        TranslationTranscript.Feed(ChatTranslation.AnthropicToOpenAI.NewStream(false, 0), TranslationTranscript.Load(name));

    private static List<ClientEvent> Events(List<TranslatedStep> steps) => steps.SelectMany(s => s.Events).ToList();

    [Fact]
    public void Translate_EveryEvent_IsOneTheAnthropicSdkReads()
    {
        var events = Events(Feed());

        foreach (var e in events)
        {
            ((string?)e.Json["type"]).Should().Be(e.Name, "Anthropic names each event after its type");
            var parsed = JsonSerializer.Deserialize<RawMessageStreamEvent>(e.Data);
            parsed.Should().NotBeNull();
            parsed!.Validate();
        }
        events.First().Name.Should().Be("message_start");
        events.Last().Name.Should().Be("message_stop");
    }

    [Fact]
    public void Translate_TextThenTwoToolCalls_AreThreeBlocksOpenedAndClosedInOrder()
    {
        var events = Events(Feed());
        var lifecycle = events.Where(e => e.Name is "content_block_start" or "content_block_stop")
            .Select(e => $"{e.Name[14..]}{(int)e.Json["index"]!}").ToList();
        var starts = events.Where(e => e.Name == "content_block_start").Select(e => e.Json["content_block"]!).ToList();

        lifecycle.Should().Equal("start0", "stop0", "start1", "stop1", "start2", "stop2");
        starts.Select(b => (string?)b["type"]).Should().Equal("text", "tool_use", "tool_use");
        starts.Skip(1).Select(b => (string?)b["id"]).Should().Equal("call_Paris01", "call_Lyon02");
        string.Concat(events.Where(e => (string?)e.Json["delta"]?["type"] == "text_delta").Select(e => (string?)e.Json["delta"]!["text"]))
            .Should().Be("Checking both.");
    }

    [Fact]
    public void Translate_ArgumentPieces_AssembleIntoEachToolsInput()
    {
        var events = Events(Feed());
        string Input(int block) => string.Concat(events
            .Where(e => (string?)e.Json["delta"]?["type"] == "input_json_delta" && (int)e.Json["index"]! == block)
            .Select(e => (string?)e.Json["delta"]!["partial_json"]));

        JsonNode.DeepEquals(JsonNode.Parse(Input(1)), JsonNode.Parse("""{"location":"Paris"}""")).Should().BeTrue();
        JsonNode.DeepEquals(JsonNode.Parse(Input(2)), JsonNode.Parse("""{"location":"Lyon"}""")).Should().BeTrue();
    }

    [Fact]
    public void Translate_EachUpstreamChunk_IsTranslatedAtOnce()
    {
        var steps = Feed();

        // Every content or argument chunk yields its delta at once; only the usage chunk waits for [DONE].
        steps.Where(s => s.Content).Should().HaveCount(9, "2 text pieces, 2 tool headers, 5 argument pieces");
        steps.Where(s => s.Content).Should().OnlyContain(s => s.Events.Any(e => e.Name == "content_block_delta") || s.Events.Any(e => e.Name == "content_block_start"));
        steps.Single(s => s.UpstreamEvent == "[DONE]").Events.Select(e => e.Name).Should().Equal("message_delta", "message_stop");
    }

    [Fact]
    public void Translate_Done_CarriesStopReasonAndTheWholeUsage()
    {
        var delta = Events(Feed()).Single(e => e.Name == "message_delta").Json;

        ((string?)delta["delta"]!["stop_reason"]).Should().Be("tool_use");
        // prompt 2140, 1920 of them cached: input 220, reads 1920, output 58.
        ((long)delta["usage"]!["input_tokens"]!).Should().Be(220);
        ((long)delta["usage"]!["cache_read_input_tokens"]!).Should().Be(1_920);
        ((long)delta["usage"]!["output_tokens"]!).Should().Be(58);
    }

    [Fact]
    public void Translate_PlainTextStream_EndsTheTurn()
    {
        var events = Events(Feed("openai-chat-stream.sse"));
        var text = new StringBuilder();
        foreach (var e in events.Where(e => e.Name == "content_block_delta"))
            text.Append((string?)e.Json["delta"]!["text"]);

        text.ToString().Should().Be("Hello! How can I help you today?");
        ((string?)events.Single(e => e.Name == "message_delta").Json["delta"]!["stop_reason"]).Should().Be("end_turn");
        events.Count(e => e.Name == "content_block_start").Should().Be(1, "the empty first content opens no block");
    }
}
