using System.Text;
using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class CountingTextSinkTests
{
    [Theory]
    [InlineData("english")]
    [InlineData("code")]
    [InlineData("chinese")]
    [InlineData("no-spaces")]
    public void Tokens_LongTextInSmallPieces_WithinOnePercentOfWholeCount(string kind)
    {
        var text = LongText(kind, chars: 200_000);
        var counter = TokenCounter.O200kBase;
        var sink = new CountingTextSink(counter);
        var random = new Random(3);

        for (var offset = 0; offset < text.Length;)
        {
            var size = Math.Min(random.Next(1, 24), text.Length - offset);
            sink.Append(text.AsSpan(offset, size));
            offset += size;
        }

        var whole = counter.CountTokens(text);
        ((double)sink.Tokens).Should().BeApproximately(whole, whole * 0.01);
    }

    [Fact]
    public void Tokens_EnglishInPieces_MatchesWholeCountExactly()
    {
        var text = LongText("english", chars: 50_000);
        var sink = new CountingTextSink(TokenCounter.Cl100kBase);

        foreach (var word in text.Split(' '))
        {
            sink.Append(word);
            sink.Append(" ");
        }

        sink.Tokens.Should().Be(TokenCounter.Cl100kBase.CountTokens(text + " "));
    }

    [Fact]
    public void Append_ManyMegabytes_HoldsOnlyATail()
    {
        var sink = new CountingTextSink(TokenCounter.O200kBase);
        var piece = LongText("english", chars: 10_000);

        for (var i = 0; i < 100; i++)
        {
            sink.Append(piece);
        }

        sink.HeldChars.Should().BeLessThan(CountingTextSink.PieceChars);
        sink.Tokens.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Tokens_ReadMidway_DoesNotChangeTheTotal()
    {
        var sink = new CountingTextSink(TokenCounter.O200kBase);
        sink.Append("Hello there, ");
        var midway = sink.Tokens;
        sink.Append("general Kenobi.");

        midway.Should().Be(TokenCounter.O200kBase.CountTokens("Hello there, "));
        sink.Tokens.Should().Be(TokenCounter.O200kBase.CountTokens("Hello there, general Kenobi."));
    }

    private static string LongText(string kind, int chars)
    {
        string[] english =
        [
            "The gateway forwards every request to the upstream provider and meters the tokens it returns.",
            "Streaming responses arrive as server-sent events, one small JSON chunk at a time, often 20 per second.",
            "When a provider reports no usage, we count the delivered text ourselves — it's an estimate, but a fair one.",
            "Prices are stored as integers of nano-USD; balances never drift, even after 1,000,000 requests.",
        ];
        string[] code =
        [
            "public static int Add(int a, int b) => a + b;\n",
            "if (x.Length > 0) { return x[0]; }\n\t// comment: don't panic\n",
            "{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\", \"days\": [1, 2, 3]}\n",
        ];
        string[] chinese = ["网关将每个请求转发给上游服务商，并计量返回的令牌。", "流式响应以服务器发送事件的形式到达。", "价格以整数存储，余额永不漂移！"];
        string[] noSpaces = ["aGVsbG8gd29ybGQhIFRoaXMgaXMgYmFzZTY0Lg==", "0123456789abcdef", "QUJDREVGR0hJSktMTU5PUA=="];
        var pieces = kind switch { "english" => english, "code" => code, "chinese" => chinese, _ => noSpaces };
        var separator = kind == "english" ? " " : "";

        var text = new StringBuilder();
        for (var i = 0; text.Length < chars; i++)
        {
            text.Append(pieces[i % pieces.Length]).Append(separator);
        }

        return text.ToString(0, chars);
    }

    [Fact]
    public void Append_ShortTextNeverCounted_LeavesTheEncodingUnloaded()
    {
        var counter = new TokenCounter("o200k_base");
        var sink = new CountingTextSink(counter);

        sink.Append("Hello there, how can I help?");

        counter.IsLoaded.Should().BeFalse("a stream whose upstream reports usage never needs the tokenizer");
    }
}
