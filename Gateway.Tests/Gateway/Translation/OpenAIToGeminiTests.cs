using System.Text;
using System.Text.Json.Nodes;
using Gateway.Translation;
using Metering.Usage;

namespace Gateway.Tests.Gateway.Translation;

/// <summary>A Gemini client calling an OpenAI upstream: the request goes as OpenAI's, the answer comes back as Gemini's.</summary>
public class OpenAIToGeminiTests
{
    private static readonly ChatTranslation GeminiToOpenAI = ChatTranslation.Between(WireFormat.GeminiGenerateContent, WireFormat.OpenAIChat)!;

    private static JsonObject TranslateRequest(bool stream = false)
    {
        var result = GeminiToOpenAI.TranslateRequest(TranslationTranscript.Load("gemini-request-tools.json"), "gpt-4o", stream);
        result.Refusal.Should().BeNull();
        return (JsonObject)JsonNode.Parse(result.Body)!;
    }

    [Fact]
    public void TranslateRequest_Contents_AreMessagesWithToolResultsAnsweringTheirCalls()
    {
        var messages = TranslateRequest()["messages"]!.AsArray();
        var calls = messages[2]!["tool_calls"]!.AsArray();

        messages.Select(m => (string?)m!["role"]).Should().Equal("system", "user", "assistant", "tool", "tool", "user");
        ((string?)messages[1]!["content"]![1]!["image_url"]!["url"]).Should().StartWith("data:image/png;base64,iVBORw0KGgo");
        ((string?)messages[2]!["content"]).Should().Be("Checking both cities.");
        // Gemini's calls have no id; the two responses answer them in order, by name.
        calls.Select(c => (string?)c!["id"]).Should().OnlyHaveUniqueItems();
        ((string?)messages[3]!["tool_call_id"]).Should().Be((string?)calls[0]!["id"]);
        ((string?)messages[4]!["tool_call_id"]).Should().Be((string?)calls[1]!["id"]);
        JsonNode.DeepEquals(JsonNode.Parse((string)messages[3]!["content"]!), JsonNode.Parse("""{"temperature":18,"sky":"light rain"}""")).Should().BeTrue();
    }

    [Fact]
    public void TranslateRequest_ToolsAndConfig_AreOpenAIMembers()
    {
        var request = TranslateRequest(stream: true);
        var parameters = request["tools"]![0]!["function"]!["parameters"]!;

        ((string?)request["model"]).Should().Be("gpt-4o");
        // Gemini's OpenAPI types are capitals; JSON Schema's are lower case.
        ((string?)parameters["type"]).Should().Be("object");
        ((string?)parameters["properties"]!["unit"]!["type"]).Should().Be("string");
        ((string?)request["tool_choice"]!["function"]!["name"]).Should().Be("get_weather");
        ((int)request["max_completion_tokens"]!).Should().Be(1024);
        ((double)request["top_p"]!).Should().Be(0.9);
        request["stop"]!.AsArray().Select(s => (string?)s).Should().Equal("END");
        ((bool)request["stream_options"]!["include_usage"]!).Should().BeTrue();
    }

    [Theory]
    [InlineData("""{"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}]}""", "'safetySettings'")]
    [InlineData("""{"tools":[{"googleSearch":{}}]}""", "'tools[].googleSearch'")]
    [InlineData("""{"generationConfig":{"topK":40}}""", "'generationConfig.topK'")]
    [InlineData("""{"generationConfig":{"thinkingConfig":{"thinkingBudget":1024}}}""", "'generationConfig.thinkingConfig'")]
    [InlineData("""{"contents":[{"role":"user","parts":[{"fileData":{"mimeType":"video/mp4","fileUri":"https://generativelanguage.googleapis.com/v1beta/files/abc"}}]}]}""", "'fileData'")]
    public void TranslateRequest_FeatureOpenAICannotExpress_IsRefusedByName(string overrides, string named)
    {
        var body = (JsonObject)JsonNode.Parse("""{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""")!;
        foreach (var (key, value) in (JsonObject)JsonNode.Parse(overrides)!)
            body[key] = value?.DeepClone();

        var result = GeminiToOpenAI.TranslateRequest(Encoding.UTF8.GetBytes(body.ToJsonString()), "gpt", false);

        result.Body.Should().BeNull();
        result.Refusal.Should().Contain(named).And.Contain("OpenAI Chat Completions");
    }

    [Fact]
    public void TranslateResponse_ToolCalls_AreFunctionCallPartsWithUsageMetadata()
    {
        var response = JsonNode.Parse(GeminiToOpenAI.TranslateResponse(TranslationTranscript.Load("openai-chat-tool-calls.json"), 0))!;
        var candidate = response["candidates"]![0]!;

        ((string?)candidate["content"]!["role"]).Should().Be("model");
        JsonNode.DeepEquals(candidate["content"]!["parts"]![0]!["functionCall"], JsonNode.Parse("""{"name":"get_weather","args":{"location":"Paris","unit":"celsius"}}""")).Should().BeTrue();
        ((string?)candidate["finishReason"]).Should().Be("STOP");
        ((long)response["usageMetadata"]!["promptTokenCount"]!).Should().Be(2_140);
        ((long)response["usageMetadata"]!["cachedContentTokenCount"]!).Should().Be(1_920);
        ((long)response["usageMetadata"]!["candidatesTokenCount"]!).Should().Be(19);
        ((string?)response["modelVersion"]).Should().Be("gpt-4o-2024-08-06");
    }

    [Fact]
    public void TranslateStream_TextAtOnce_CallsWholeWithTheLastChunk()
    {
        var steps = TranslationTranscript.Feed(GeminiToOpenAI.NewStream(false, 0), TranslationTranscript.Load("openai-chat-stream-tool-calls.sse"));
        var events = steps.SelectMany(s => s.Events).ToList();
        var last = events[^1].Json;

        events.Should().OnlyContain(e => e.Name == "", "Gemini's stream names no events");
        steps.Where(s => s.Events.Count > 0).Select(s => s.UpstreamEvent).Should().HaveCount(3, "two text chunks, then the end");
        events.Take(2).Select(e => (string?)e.Json["candidates"]![0]!["content"]!["parts"]![0]!["text"]).Should().Equal("Checking", " both.");
        last["candidates"]![0]!["content"]!["parts"]!.AsArray().Select(p => (string?)p!["functionCall"]!["args"]!["location"]).Should().Equal("Paris", "Lyon");
        ((string?)last["candidates"]![0]!["finishReason"]).Should().Be("STOP");
        ((long)last["usageMetadata"]!["candidatesTokenCount"]!).Should().Be(58);
        steps.Single(s => s.UpstreamEvent == "[DONE]").Events.Should().BeEmpty("the end already left with the usage chunk");
    }
}
