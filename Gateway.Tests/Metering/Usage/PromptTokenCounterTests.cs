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

    private static long Count(WireFormat format, string json) =>
        PromptTokenCounter.CountPrompt(format, Encoding.UTF8.GetBytes(json), Counter);

    private static long T(string text) => Counter.CountTokens(text);
}
