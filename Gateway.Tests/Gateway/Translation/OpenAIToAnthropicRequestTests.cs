using System.Text.Json.Nodes;
using Gateway.Translation;

namespace Gateway.Tests.Gateway.Translation;

public class OpenAIToAnthropicRequestTests
{
    private static JsonObject Translate(string name = "openai-chat-request-tools.json") =>
        OpenAIToAnthropicRequest.Translate(TranslationTranscript.LoadJson(name), "claude-sonnet-4-5-20250929");

    [Fact]
    public void Translate_SystemAndDeveloperMessages_JoinTheSystemPrompt()
    {
        var system = Translate()["system"]!.AsArray();

        system.Select(b => (string?)b!["text"]).Should().Equal("You are a weather assistant.", "Answer in one sentence.");
        system.Should().OnlyContain(b => (string?)b!["type"] == "text");
    }

    [Fact]
    public void Translate_Images_UrlStaysAUrlAndDataUrlBecomesBase64()
    {
        var first = Translate()["messages"]![0]!;
        var images = first["content"]!.AsArray().Where(b => (string?)b!["type"] == "image").Select(b => b!["source"]!).ToList();

        ((string?)first["role"]).Should().Be("user");
        images.Should().HaveCount(2);
        ((string?)images[0]["type"]).Should().Be("url");
        ((string?)images[0]["url"]).Should().EndWith("Camponotus_flavomarginatus_ant.jpg");
        ((string?)images[1]["type"]).Should().Be("base64");
        ((string?)images[1]["media_type"]).Should().Be("image/png");
        ((string?)images[1]["data"]).Should().StartWith("iVBORw0KGgo").And.NotContain("base64,");
    }

    [Fact]
    public void Translate_ToolCallsAndResults_BecomeToolUseAndOneUserTurnOfResults()
    {
        var messages = Translate()["messages"]!.AsArray();
        var assistant = messages[1]!;
        var results = messages[2]!["content"]!.AsArray();

        messages.Select(m => (string?)m!["role"]).Should().Equal("user", "assistant", "user");
        assistant["content"]!.AsArray().Select(b => (string?)b!["type"]).Should().Equal("tool_use", "tool_use");
        JsonNode.DeepEquals(assistant["content"]![0]!["input"], JsonNode.Parse("""{"location":"Paris","unit":"celsius"}""")).Should().BeTrue();
        ((string?)assistant["content"]![1]!["id"]).Should().Be("call_Lyon02");
        // Both tool results, then the user's next words, in one turn: Anthropic alternates roles.
        results.Select(b => (string?)b!["type"]).Should().Equal("tool_result", "tool_result", "text");
        ((string?)results[0]!["tool_use_id"]).Should().Be("call_Paris01");
        ((string?)results[0]!["content"]).Should().Be("18 degrees, light rain");
        ((string?)results[1]!["content"]![0]!["text"]).Should().Be("22 degrees, sunny");
        ((string?)results[2]!["text"]).Should().Be("And tomorrow?");
    }

    [Fact]
    public void Translate_ToolsAndOptions_MapToTheirAnthropicNames()
    {
        var request = Translate();
        var tools = request["tools"]!.AsArray();

        ((string?)request["model"]).Should().Be("claude-sonnet-4-5-20250929");
        ((string?)tools[0]!["name"]).Should().Be("get_weather");
        ((string?)tools[0]!["input_schema"]!["required"]![0]).Should().Be("location");
        // A function without parameters still gets the schema Anthropic requires.
        ((string?)tools[1]!["input_schema"]!["type"]).Should().Be("object");
        JsonNode.DeepEquals(request["tool_choice"], JsonNode.Parse("""{"type":"any","disable_parallel_tool_use":true}""")).Should().BeTrue();
        ((int)request["max_tokens"]!).Should().Be(1024);
        ((double)request["temperature"]!).Should().Be(0.2);
        request["stop_sequences"]!.AsArray().Select(s => (string?)s).Should().Equal("END");
        ((string?)request["metadata"]!["user_id"]).Should().Be("user-1234");
        ((bool)request["stream"]!).Should().BeTrue();
        request.ContainsKey("stream_options").Should().BeFalse();
    }

    [Fact]
    public void Translate_NoMaxTokens_SetsTheDefaultAnthropicRequires()
    {
        var request = OpenAIToAnthropicRequest.Translate((JsonObject)JsonNode.Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""")!, "claude");

        ((int)request["max_tokens"]!).Should().Be(OpenAIToAnthropicRequest.DefaultMaxTokens);
        ((string?)request["messages"]![0]!["content"]![0]!["text"]).Should().Be("hi");
    }

    [Theory]
    [InlineData("""{"n":2}""", "'n'")]
    [InlineData("""{"logit_bias":{"50256":-100}}""", "'logit_bias'")]
    [InlineData("""{"temperature":1.5}""", "'temperature above 1'")]
    [InlineData("""{"presence_penalty":0.5}""", "'presence_penalty'")]
    [InlineData("""{"response_format":{"type":"json_object"}}""", "'response_format'")]
    [InlineData("""{"reasoning_effort":"high"}""", "'reasoning_effort'")]
    [InlineData("""{"logprobs":true}""", "'logprobs'")]
    [InlineData("""{"tools":[{"type":"custom","custom":{"name":"x"}}]}""", "'tools of type 'custom''")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]}]}""", "'user content parts of type 'input_audio''")]
    [InlineData("""{"messages":[{"role":"function","name":"f","content":"x"}]}""", "'messages[].name'")]
    [InlineData("""{"messages":[{"role":"user","name":"alice","content":"hi"}]}""", "'messages[].name'")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}""", "'file content parts by file_id'")]
    public void Translate_FeatureAnthropicCannotExpress_IsRefusedByName(string overrides, string named)
    {
        var body = (JsonObject)JsonNode.Parse("""{"model":"claude","messages":[{"role":"user","content":"hi"}]}""")!;
        foreach (var (key, value) in (JsonObject)JsonNode.Parse(overrides)!)
            body[key] = value?.DeepClone();

        var result = ChatTranslation.OpenAIToAnthropic.TranslateRequest(System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), "claude");

        result.Body.Should().BeNull();
        result.Refusal.Should().Contain(named).And.Contain("Anthropic Messages");
    }

    [Theory]
    [InlineData("""{"model":"m","messages":"hello"}""", "'messages' must be an array")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":42}]}""", "must be an array")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{not json"}}]}]}""", "not valid JSON")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    public void TranslateRequest_ShapeTheClientApiDoesNotAllow_IsAClearRefusal(string body, string says)
    {
        var result = ChatTranslation.OpenAIToAnthropic.TranslateRequest(System.Text.Encoding.UTF8.GetBytes(body), "claude");

        result.Body.Should().BeNull();
        result.Refusal.Should().Contain(says);
    }

    [Fact]
    public void TranslateRequest_IncludeUsage_IsRememberedForTheClientsStream()
    {
        var result = ChatTranslation.OpenAIToAnthropic.TranslateRequest(TranslationTranscript.Load("openai-chat-request-tools.json"), "claude");

        result.Refusal.Should().BeNull();
        result.ClientAskedForUsage.Should().BeTrue();
        JsonNode.Parse(result.Body)!["stream_options"].Should().BeNull();
    }

    [Fact]
    public void TranslateRequest_HugeUnknownMemberName_RefusalStaysShort()
    {
        var name = new string('x', 100_000);
        var body = $$"""{"model":"claude","{{name}}":1,"messages":[{"role":"user","content":"hi"}]}""";

        var result = ChatTranslation.OpenAIToAnthropic.TranslateRequest(System.Text.Encoding.UTF8.GetBytes(body), "claude");

        result.Refusal.Should().StartWith("'xxx").And.EndWith("…");
        result.Refusal!.Length.Should().BeLessThanOrEqualTo(TranslationBoundary.MaxRefusalChars + 1);
    }
}
