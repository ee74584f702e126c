using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Translation;
using Metering.Usage;
using OpenAI.Chat;

namespace Gateway.Tests.Gateway.Translation;

/// <summary>An OpenAI client calling a Gemini upstream: the request goes as Gemini's, the answer comes back as OpenAI's.</summary>
public class GeminiToOpenAITests
{
    private static readonly ChatTranslation OpenAIToGemini = ChatTranslation.Between(WireFormat.OpenAIChat, WireFormat.GeminiGenerateContent)!;

    private static JsonObject TranslateRequest(string body)
    {
        var result = OpenAIToGemini.TranslateRequest(Encoding.UTF8.GetBytes(body), "gemini");
        result.Refusal.Should().BeNull();
        return (JsonObject)JsonNode.Parse(result.Body)!;
    }

    private const string Conversation = """
        {"model":"gemini-2.5-flash","messages":[
          {"role":"system","content":"You are a weather assistant."},
          {"role":"user","content":[{"type":"text","text":"Weather here?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
          {"role":"assistant","content":null,"tool_calls":[
            {"id":"call_Paris01","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}},
            {"id":"call_Lyon02","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"call_Paris01","content":"18 degrees, light rain"},
          {"role":"tool","tool_call_id":"call_Lyon02","content":"{\"time\":\"10:00\"}"},
          {"role":"user","content":"And tomorrow?"}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}],
         "tool_choice":{"type":"function","function":{"name":"get_weather"}},
         "max_tokens":512,"temperature":0.3,"stop":["END"],"response_format":{"type":"json_object"}}
        """;

    [Fact]
    public void TranslateRequest_Conversation_IsContentsWithFunctionResponsesNamedFromTheirCalls()
    {
        var request = TranslateRequest(Conversation);
        var contents = request["contents"]!.AsArray();
        var responses = contents[2]!["parts"]!.AsArray();

        ((string?)request["systemInstruction"]!["parts"]![0]!["text"]).Should().Be("You are a weather assistant.");
        contents.Select(c => (string?)c!["role"]).Should().Equal("user", "model", "user");
        ((string?)contents[0]!["parts"]![1]!["inlineData"]!["mimeType"]).Should().Be("image/png");
        ((string?)contents[0]!["parts"]![1]!["inlineData"]!["data"]).Should().Be("iVBORw0KGgo=");
        ((string?)contents[1]!["parts"]![0]!["functionCall"]!["args"]!["location"]).Should().Be("Paris");
        // Gemini's functionResponse names the function: looked up from the call id.
        responses.Select(p => (string?)p!["functionResponse"]?["name"]).Should().Equal("get_weather", "get_time", null);
        ((string?)responses[0]!["functionResponse"]!["response"]!["output"]).Should().Be("18 degrees, light rain");
        ((string?)responses[1]!["functionResponse"]!["response"]!["time"]).Should().Be("10:00", "a JSON object result passes as it is");
        ((string?)responses[2]!["text"]).Should().Be("And tomorrow?");
    }

    [Fact]
    public void TranslateRequest_ToolsAndOptions_AreDeclarationsAndGenerationConfig()
    {
        var request = TranslateRequest(Conversation);
        var config = request["generationConfig"]!;

        ((string?)request["tools"]![0]!["functionDeclarations"]![0]!["parametersJsonSchema"]!["properties"]!["location"]!["type"]).Should().Be("string");
        JsonNode.DeepEquals(request["toolConfig"], JsonNode.Parse("""{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}}""")).Should().BeTrue();
        ((int)config["maxOutputTokens"]!).Should().Be(512);
        ((double)config["temperature"]!).Should().Be(0.3);
        config["stopSequences"]!.AsArray().Select(s => (string?)s).Should().Equal("END");
        ((string?)config["responseMimeType"]).Should().Be("application/json");
        request.ContainsKey("model").Should().BeFalse("Gemini names the model in its path");
        GeminiTranslation.UpstreamPath("gemini-2.5-flash", stream: true).Should().Be("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    }

    [Theory]
    [InlineData("""{"parallel_tool_calls":false}""", "'parallel_tool_calls: false'")]
    [InlineData("""{"user":"u-1"}""", "'user'")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.jpg"}}]}]}""", "remote URL")]
    [InlineData("""{"tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[]}}}""", "'tool_choice of type 'allowed_tools''")]
    public void TranslateRequest_FeatureGeminiCannotExpress_IsRefusedByName(string overrides, string named)
    {
        var body = (JsonObject)JsonNode.Parse("""{"model":"gemini","messages":[{"role":"user","content":"hi"}]}""")!;
        foreach (var (key, value) in (JsonObject)JsonNode.Parse(overrides)!)
            body[key] = value?.DeepClone();

        var result = OpenAIToGemini.TranslateRequest(Encoding.UTF8.GetBytes(body.ToJsonString()), "gemini");

        result.Body.Should().BeNull();
        result.Refusal.Should().Contain(named).And.Contain("Gemini generateContent");
    }

    [Fact]
    public void TranslateResponse_TextFunctionCallAndUsage_AsTheOpenAISdkReadsThem()
    {
        var body = OpenAIToGemini.TranslateResponse(TranslationTranscript.Load("gemini-generate-content.json"), 1_745_430_000);
        var completion = ModelReaderWriter.Read<ChatCompletion>(BinaryData.FromBytes(body!))!;

        completion.Id.Should().Be("mFXxaOqKBZ7ZjMcP5eC5sQk");
        completion.Model.Should().Be("gemini-2.5-flash");
        completion.Content.Single().Text.Should().Be("Let me look up the weather in Paris.");
        var call = completion.ToolCalls.Single();
        call.FunctionName.Should().Be("get_weather");
        JsonNode.DeepEquals(JsonNode.Parse(call.FunctionArguments.ToString()), JsonNode.Parse("""{"location":"Paris","unit":"celsius"}""")).Should().BeTrue();
        call.Id.Should().NotBeNullOrEmpty();
        completion.FinishReason.Should().Be(ChatFinishReason.ToolCalls, "Gemini says STOP after a function call");
        // Thoughts are output: 24 candidates + 100 thoughts.
        completion.Usage.InputTokenCount.Should().Be(2_140);
        completion.Usage.InputTokenDetails.CachedTokenCount.Should().Be(1_920);
        completion.Usage.OutputTokenCount.Should().Be(124);
        completion.Usage.OutputTokenDetails.ReasoningTokenCount.Should().Be(100);
    }

    [Fact]
    public void TranslateStream_EachChunkAtOnce_EndingWithFinishUsageAndDone()
    {
        var steps = TranslationTranscript.Feed(OpenAIToGemini.NewStream(clientAskedForUsage: true, 0), TranslationTranscript.Load("gemini-stream.sse"));
        var updates = steps.SelectMany(s => s.Events).Where(e => e.Data != "[DONE]")
            .Select(e => ModelReaderWriter.Read<StreamingChatCompletionUpdate>(BinaryData.FromString(e.Data))!).ToList();
        var calls = updates.SelectMany(u => u.ToolCallUpdates).ToList();

        steps.Should().HaveCount(4);
        steps.Take(3).Should().OnlyContain(s => s.Content);
        string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text)).Should().Be("Let me check Paris and Lyon.");
        calls.Select(c => c.Index).Should().Equal(0, 1);
        calls.Select(c => c.FunctionArgumentsUpdate.ToString()).Should().Equal("""{"location":"Paris"}""", """{"location":"Lyon"}""");
        calls.Select(c => c.ToolCallId).Should().OnlyHaveUniqueItems();
        updates.Single(u => u.FinishReason is not null).FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        updates.Single(u => u.Usage is not null).Usage.OutputTokenCount.Should().Be(131);
        steps[^1].Events[^1].Data.Should().Be("[DONE]");
    }
}
