using System.Text;
using System.Text.Json.Nodes;
using Gateway.Translation;

namespace Gateway.Tests.Gateway.Translation;

public class AnthropicToOpenAIRequestTests
{
    private static JsonObject Translate() =>
        AnthropicToOpenAIRequest.Translate(TranslationTranscript.LoadJson("anthropic-messages-request-tools.json"), "gpt-4o-2024-08-06");

    [Fact]
    public void Translate_Conversation_KeepsEveryTurnInOrder()
    {
        var messages = Translate()["messages"]!.AsArray();

        // system, user, assistant (text + 2 calls), the 2 tool results right after the calls, then the user's words.
        messages.Select(m => (string?)m!["role"]).Should().Equal("system", "user", "assistant", "tool", "tool", "user");
        ((string?)messages[0]!["content"]![0]!["text"]).Should().Be("You are a weather assistant.");
        ((string?)messages[5]!["content"]![0]!["text"]).Should().Be("And tomorrow?");
    }

    [Fact]
    public void Translate_Images_BecomeImageUrlParts()
    {
        var parts = Translate()["messages"]![1]!["content"]!.AsArray();
        var urls = parts.Where(p => (string?)p!["type"] == "image_url").Select(p => (string?)p!["image_url"]!["url"]).ToList();

        urls.Should().HaveCount(2);
        urls[0].Should().EndWith("Camponotus_flavomarginatus_ant.jpg");
        urls[1].Should().StartWith("data:image/png;base64,iVBORw0KGgo");
    }

    [Fact]
    public void Translate_ToolUseAndResults_BecomeToolCallsAndToolMessages()
    {
        var messages = Translate()["messages"]!.AsArray();
        var assistant = messages[2]!;
        var calls = assistant["tool_calls"]!.AsArray();

        ((string?)assistant["content"]).Should().Be("Let me check both cities.");
        calls.Select(c => (string?)c!["id"]).Should().Equal("toolu_01A09q90qw90lq917835lq9", "toolu_01B7kq3Lyon4x1");
        ((string?)calls[0]!["type"]).Should().Be("function");
        ((string?)calls[0]!["function"]!["name"]).Should().Be("get_weather");
        // Arguments are JSON text in OpenAI's format.
        JsonNode.DeepEquals(JsonNode.Parse((string)calls[0]!["function"]!["arguments"]!), JsonNode.Parse("""{"location":"Paris","unit":"celsius"}""")).Should().BeTrue();
        ((string?)messages[3]!["tool_call_id"]).Should().Be("toolu_01A09q90qw90lq917835lq9");
        ((string?)messages[3]!["content"]).Should().Be("18 degrees, light rain");
        ((string?)messages[4]!["content"]![0]!["text"]).Should().Be("22 degrees, sunny");
    }

    [Fact]
    public void Translate_ToolsAndOptions_MapToTheirOpenAINames()
    {
        var request = Translate();
        var tool = request["tools"]![0]!;

        ((string?)request["model"]).Should().Be("gpt-4o-2024-08-06");
        ((string?)tool["type"]).Should().Be("function");
        ((string?)tool["function"]!["name"]).Should().Be("get_weather");
        ((string?)tool["function"]!["parameters"]!["properties"]!["unit"]!["enum"]![1]).Should().Be("fahrenheit");
        ((string?)request["tool_choice"]).Should().Be("required");
        ((bool)request["parallel_tool_calls"]!).Should().BeFalse();
        ((int)request["max_completion_tokens"]!).Should().Be(1024);
        request["stop"]!.AsArray().Select(s => (string?)s).Should().Equal("END");
        ((string?)request["user"]).Should().Be("user-1234");
        // The client's events need the usage OpenAI sends only when asked.
        ((bool)request["stream_options"]!["include_usage"]!).Should().BeTrue();
    }

    [Theory]
    [InlineData("""{"top_k":40}""", "'top_k'")]
    [InlineData("""{"thinking":{"type":"enabled","budget_tokens":2048}}""", "'thinking'")]
    [InlineData("""{"tools":[{"type":"web_search_20250305","name":"web_search","max_uses":5}]}""", "'tools of type 'web_search_20250305''")]
    [InlineData("""{"mcp_servers":[{"type":"url","url":"https://example.com/sse","name":"x"}]}""", "'mcp_servers'")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}}]}]}""", "'documents that are not inline base64'")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]}]}""", "'tool_result content of type 'image''")]
    [InlineData("""{"messages":[{"role":"assistant","content":[{"type":"server_tool_use","id":"s","name":"web_search","input":{}}]}]}""", "'assistant content blocks of type 'server_tool_use''")]
    public void Translate_FeatureOpenAICannotExpress_IsRefusedByName(string overrides, string named)
    {
        var body = (JsonObject)JsonNode.Parse("""{"model":"gpt","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""")!;
        foreach (var (key, value) in (JsonObject)JsonNode.Parse(overrides)!)
            body[key] = value?.DeepClone();

        var result = ChatTranslation.AnthropicToOpenAI.TranslateRequest(Encoding.UTF8.GetBytes(body.ToJsonString()), "gpt");

        result.Body.Should().BeNull();
        result.Refusal.Should().Contain(named).And.Contain("OpenAI Chat Completions");
    }

    [Fact]
    public void Translate_ThinkingDisabledAndCacheControl_ChangeNothingAndPass()
    {
        var body = """{"model":"gpt","max_tokens":10,"thinking":{"type":"disabled"},"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]}""";

        var result = ChatTranslation.AnthropicToOpenAI.TranslateRequest(Encoding.UTF8.GetBytes(body), "gpt");

        result.Refusal.Should().BeNull();
        var request = JsonNode.Parse(result.Body)!;
        ((string?)request["messages"]![0]!["content"]).Should().Be("Be brief.");
        ((string?)request["messages"]![1]!["content"]![0]!["text"]).Should().Be("hi");
        request["thinking"].Should().BeNull();
    }
}
