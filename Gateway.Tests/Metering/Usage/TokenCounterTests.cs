using Metering.Usage;
using Microsoft.ML.Tokenizers;

namespace Gateway.Tests.Metering.Usage;

public sealed class TokenCounterTests
{
    private const string Sentence = "The quick brown fox jumps over the lazy dog.";

    [Theory]
    [InlineData("gpt-4o", "o200k_base")]
    [InlineData("gpt-4o-mini-2024-07-18", "o200k_base")]
    [InlineData("chatgpt-4o-latest", "o200k_base")]
    [InlineData("gpt-4.1-nano", "o200k_base")]
    [InlineData("gpt-5", "o200k_base")]
    [InlineData("o1-mini", "o200k_base")]
    [InlineData("o3", "o200k_base")]
    [InlineData("o4-mini", "o200k_base")]
    [InlineData("claude-sonnet-4-5", "o200k_base")]
    [InlineData("some-unknown-model", "o200k_base")]
    [InlineData("", "o200k_base")]
    [InlineData("gpt-4", "cl100k_base")]
    [InlineData("gpt-4-turbo-2024-04-09", "cl100k_base")]
    [InlineData("GPT-4-0613", "cl100k_base")]
    [InlineData("gpt-3.5-turbo", "cl100k_base")]
    [InlineData("gpt-35-turbo", "cl100k_base")]
    [InlineData("text-embedding-ada-002", "cl100k_base")]
    [InlineData("text-embedding-3-small", "cl100k_base")]
    [InlineData("openai/gpt-3.5-turbo", "cl100k_base")]
    [InlineData("ft:gpt-3.5-turbo-0125:acme::abc123", "cl100k_base")]
    [InlineData("ft:gpt-4o-mini-2024-07-18:acme::abc123", "o200k_base")]
    public void ForModel_ModelName_PicksEncoding(string model, string encoding)
    {
        TokenCounter.ForModel(model).EncodingName.Should().Be(encoding);
    }

    [Fact]
    public void ForModel_CalledTwice_SharesTheTokenizer()
    {
        TokenCounter.ForModel("gpt-4o").Should().BeSameAs(TokenCounter.ForModel("o3-mini"));
    }

    [Theory]
    [InlineData("o200k_base")]
    [InlineData("cl100k_base")]
    public void CountTokens_KnownSentence_MatchesTokenizerDirectly(string encoding)
    {
        var counter = encoding == "o200k_base" ? TokenCounter.O200kBase : TokenCounter.Cl100kBase;
        var direct = TiktokenTokenizer.CreateForEncoding(encoding).EncodeToIds(Sentence).Count;

        counter.CountTokens(Sentence).Should().Be(direct).And.Be(10);
    }

    [Fact]
    public void CountTokens_Empty_IsZero()
    {
        TokenCounter.O200kBase.CountTokens("").Should().Be(0);
    }

    [Fact]
    public void CountTokens_FirstNonEmptyText_LoadsTheEncodingThenAndNotBefore()
    {
        var counter = new TokenCounter("o200k_base");
        counter.CountTokens("").Should().Be(0);
        counter.IsLoaded.Should().BeFalse();

        counter.CountTokens(Sentence).Should().Be(10);
        counter.IsLoaded.Should().BeTrue();
    }

    [Theory]
    [InlineData("sentence", 44)]
    [InlineData("letters", TokenCounter.MaxRunChars)]
    [InlineData("spaces", TokenCounter.MaxRunChars)]
    [InlineData("punctuation", TokenCounter.MaxRunChars)]
    [InlineData("combining marks", TokenCounter.MaxRunChars)]
    [InlineData("words then a long word", 3 + TokenCounter.MaxRunChars)]
    [InlineData("emoji after one char", TokenCounter.MaxRunChars - 1)]
    [InlineData("digits", 1000)]
    public void NextPieceLength_Text_CutsOnlyInsideARunOfMaxRunChars(string kind, int expected)
    {
        var text = kind switch
        {
            "sentence" => Sentence,
            "letters" => new string('a', 1000),
            "spaces" => new string(' ', 1000),
            "punctuation" => new string('!', 1000),
            "combining marks" => string.Concat(Enumerable.Repeat("a\u0301", 500)),
            "words then a long word" => "hi " + new string('b', 1000),
            "emoji after one char" => "!" + string.Concat(Enumerable.Repeat("\U0001F600", 500)),
            _ => new string('7', 1000),
        };

        TokenCounter.NextPieceLength(text).Should().Be(expected);
    }

    [Theory]
    [InlineData('a')]
    [InlineData('!')]
    public void CountTokens_LongRun_SameCountAsUncut(char c)
    {
        var text = new string(c, 4096);
        var whole = TiktokenTokenizer.CreateForEncoding("o200k_base").CountTokens(text);

        TokenCounter.O200kBase.CountTokens(text).Should().Be(whole);
    }
}
