using System.Text;
using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class PromptTokenCounterTests
{
    // The OpenAI cookbook's example ("How to count tokens with tiktoken"), whose counts the cookbook
    // checked against the API's prompt_tokens: 129 for gpt-3.5-turbo/gpt-4, 124 for gpt-4o/gpt-4o-mini.
    private const string CookbookChat = """
        {"model":"gpt-4","messages":[
          {"role":"system","content":"You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
          {"role":"system","name":"example_user","content":"New synergies will help drive top-line growth."},
          {"role":"system","name":"example_assistant","content":"Things working well together will increase revenue."},
          {"role":"system","name":"example_user","content":"Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
          {"role":"system","name":"example_assistant","content":"Let's talk later when we're less busy about how to do better."},
          {"role":"user","content":"This late pivot means we don't have time to boil the ocean for the client deliverable."}
        ]}
        """;

    private static readonly TokenCounter Counter = TokenCounter.O200kBase;

    [Fact]
    public void CountPrompt_TwoMessageChat_IsCookbookRule()
    {
        var json = """{"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello!"}]}""";
        var expected = 3 + T("system") + T("You are a helpful assistant.") + 3 + T("user") + T("Hello!") + 3;

        Count(WireFormat.OpenAIChat, json).Should().Be(expected);
    }

    [Theory]
    [InlineData("gpt-4", 129)]
    [InlineData("gpt-3.5-turbo", 129)]
    [InlineData("gpt-4o", 124)]
    [InlineData("gpt-4o-mini", 124)]
    public void CountPrompt_CookbookExample_MatchesPublishedCount(string model, long expected)
    {
        PromptTokenCounter.CountPrompt(WireFormat.OpenAIChat, Encoding.UTF8.GetBytes(CookbookChat), TokenCounter.ForModel(model))
            .Should().Be(expected);
    }

    [Fact]
    public void CountPrompt_ContentParts_CountsTextPartsOnly()
    {
        var json = """{"messages":[{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="}}]}]}""";

        Count(WireFormat.OpenAIChat, json).Should().Be(3 + T("user") + T("What is in this image?") + 3);
    }

    [Theory]
    [InlineData("""{"prompt":"Say this is a test"}""", "Say this is a test")]
    [InlineData("""{"prompt":["Say this", " is a test"]}""", "Say this| is a test")]
    public void CountPrompt_Completions_CountsPromptText(string json, string texts)
    {
        Count(WireFormat.OpenAICompletions, json).Should().Be(texts.Split('|').Sum(t => T(t)));
    }

    [Theory]
    [InlineData("""{"prompt":[1212, 318, 257, 1332]}""", 4)]
    [InlineData("""{"input":[[1, 2, 3], [4, 5]]}""", 5)]
    public void CountPrompt_TokenIds_OnePerId(string json, long expected)
    {
        var format = json.Contains("prompt") ? WireFormat.OpenAICompletions : WireFormat.OpenAIEmbeddings;

        Count(format, json).Should().Be(expected);
    }

    [Fact]
    public void CountPrompt_Embeddings_CountsEachInput()
    {
        Count(WireFormat.OpenAIEmbeddings, """{"model":"text-embedding-3-small","input":["The food was delicious","and the waiter..."]}""")
            .Should().Be(T("The food was delicious") + T("and the waiter..."));
    }

    [Fact]
    public void CountPrompt_ResponsesStringInput_IsInstructionsPlusOneUserMessage()
    {
        var json = """{"model":"gpt-4.1","instructions":"Talk like a pirate.","input":"Are semicolons optional in JavaScript?"}""";

        Count(WireFormat.OpenAIResponses, json)
            .Should().Be(3 + T("Talk like a pirate.") + 3 + T("user") + T("Are semicolons optional in JavaScript?") + 3);
    }

    [Fact]
    public void CountPrompt_ResponsesMessageItems_CountsRoleAndTextParts()
    {
        var json = """{"input":[{"role":"user","content":[{"type":"input_text","text":"Hi"}]}]}""";

        Count(WireFormat.OpenAIResponses, json).Should().Be(3 + T("user") + T("Hi") + 3);
    }

    [Fact]
    public void CountPrompt_AnthropicSystemBlocksAndMessages_CountsText()
    {
        var json = """
            {"model":"claude-sonnet-4-5","max_tokens":1024,
             "system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":"Hello, Claude"},
                         {"role":"assistant","content":[{"type":"text","text":"Hi."}]}]}
            """;

        Count(WireFormat.AnthropicMessages, json)
            .Should().Be(3 + T("You are terse.") + 3 + T("user") + T("Hello, Claude") + 3 + T("assistant") + T("Hi.") + 3);
    }

    [Fact]
    public void CountPrompt_GeminiSystemInstructionContentsAndFunctionParts_CountsText()
    {
        var json = """
            {"systemInstruction":{"parts":[{"text":"You are terse."}]},
             "contents":[{"role":"user","parts":[{"text":"Weather?"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]},
                         {"role":"model","parts":[{"functionCall":{"name":"w","args":{}}}]}]}
            """;

        Count(WireFormat.GeminiGenerateContent, json).Should().Be(
            3 + T("You are terse.") + 3 + T("user") + T("Weather?") + 3 + T("model") + T("""{"name":"w","args":{}}""") + 3,
            "image data is never text; a function call counts as its JSON");
    }

    [Theory]
    [InlineData(WireFormat.OpenAIChat, "")]
    [InlineData(WireFormat.OpenAIChat, "not json")]
    [InlineData(WireFormat.OpenAIChat, """{"messages":[{"role":"user","content":"Hi"}""")]
    [InlineData(WireFormat.OpenAIChat, """{"messages":5}""")]
    [InlineData(WireFormat.OpenAIChat, "[1,2]")]
    [InlineData(WireFormat.OpenAICompletions, """{"prompt":null}""")]
    [InlineData(WireFormat.OpenAIResponses, """{"input":{"weird":true}}""")]
    [InlineData(WireFormat.OpenAIEmbeddings, "\"input\"")]
    [InlineData(WireFormat.AnthropicMessages, """{"system":7,"messages":"x"}""")]
    [InlineData((WireFormat)99, """{"messages":[]}""")]
    public void CountPrompt_Garbage_IsZero(WireFormat format, string json)
    {
        Count(format, json).Should().Be(0);
    }

    // BAD marks where the bad character goes. The rest of each prompt is long enough that losing it shows.
    public static TheoryData<WireFormat, string, string> BadTextRows()
    {
        const string Long = "Please summarise the following report about quarterly revenue growth in three sentences.";
        (WireFormat, string)[] shapes =
        [
            (WireFormat.OpenAIChat, $$"""{"messages":[{"role":"system","content":"{{Long}}"},{"role":"user","content":"Hello BAD world"}]}"""),
            (WireFormat.OpenAIChat, $$"""{"messages":[{"role":"user","content":[{"type":"text","text":"{{Long}}"},{"type":"text","text":"Hi BAD"}]}]}"""),
            (WireFormat.OpenAIChat, $$"""{"messages":[{"role":"user","content":"{{Long}}","xBAD":"y"}]}"""),
            (WireFormat.OpenAICompletions, $$"""{"prompt":"{{Long}} BAD"}"""),
            (WireFormat.OpenAICompletions, $$"""{"prompt":["{{Long}}","and BAD that"]}"""),
            (WireFormat.OpenAIResponses, $$"""{"instructions":"Be brief.","input":"{{Long}} BAD"}"""),
            (WireFormat.OpenAIResponses, $$"""{"input":[{"role":"user","content":[{"type":"input_text","text":"{{Long}} BAD"}]}]}"""),
            (WireFormat.AnthropicMessages, $$"""{"system":"Be BAD brief.","messages":[{"role":"user","content":"{{Long}} BAD"}]}"""),
            (WireFormat.AnthropicMessages, $$"""{"system":[{"type":"text","text":"Be BAD brief."}],"messages":[{"role":"user","content":[{"type":"text","text":"{{Long}} BAD"}]}]}"""),
            (WireFormat.OpenAIEmbeddings, $$"""{"input":"{{Long}} BAD"}"""),
            (WireFormat.OpenAIEmbeddings, $$"""{"input":["{{Long}}","BAD"]}"""),
        ];
        var rows = new TheoryData<WireFormat, string, string>();
        foreach (var (format, json) in shapes)
        {
            foreach (var bad in (string[])["\\ud800", "\\udfff", "\\ud800\\ud800", "0xFF"])
            {
                rows.Add(format, json, bad);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(BadTextRows))]
    public void CountPrompt_LoneSurrogateOrInvalidUtf8_CountsAsReplacementCharacter(WireFormat format, string json, string bad)
    {
        var replacements = bad == "0xFF" ? 1 : bad.Length / 6;
        var expected = Count(format, json.Replace("BAD", string.Concat(Enumerable.Repeat("\\ufffd", replacements))));

        var counted = PromptTokenCounter.CountPrompt(format, WithBad(json, bad), Counter);

        counted.Should().Be(expected).And.BeGreaterThan(10);
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("0xFF")]
    public void CountPrompt_BadCharacterInToolsOrToolInput_StillCountsTheRest(string bad)
    {
        const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris today?\"}]";
        var without = Count(WireFormat.AnthropicMessages, "{" + Messages + "}");
        var json = "{" + Messages + ""","tools":[{"name":"weather","description":"Looks up BAD the weather","input_schema":{"type":"object"}}]}""";
        var toolUse = """{"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{"city":"Paris BAD"}}]}]}""";

        PromptTokenCounter.CountPrompt(WireFormat.AnthropicMessages, WithBad(json, bad), Counter).Should().BeGreaterThan(without + 5);
        PromptTokenCounter.CountPrompt(WireFormat.AnthropicMessages, WithBad(toolUse, bad), Counter).Should().BeGreaterThan(10);
    }

    // The JSON with BAD replaced by an escape, or by the byte 0xFF (invalid anywhere in UTF-8).
    private static byte[] WithBad(string json, string bad)
    {
        var bytes = Encoding.UTF8.GetBytes(json.Replace("BAD", bad == "0xFF" ? "\u0001" : bad));
        return bad == "0xFF" ? bytes.Select(b => b == 1 ? (byte)0xFF : b).ToArray() : bytes;
    }

    private static long Count(WireFormat format, string json) =>
        PromptTokenCounter.CountPrompt(format, Encoding.UTF8.GetBytes(json), Counter);

    private static long T(string text) => Counter.CountTokens(text);
}
