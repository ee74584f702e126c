using Metering.Usage;

namespace Gateway.Tests.Metering.Usage;

public sealed class UsageReadersTests
{
    [Theory]
    [InlineData(WireFormat.OpenAIChat)]
    [InlineData(WireFormat.OpenAICompletions)]
    [InlineData(WireFormat.OpenAIResponses)]
    [InlineData(WireFormat.OpenAIEmbeddings)]
    [InlineData(WireFormat.AnthropicMessages)]
    [InlineData(WireFormat.GeminiGenerateContent)]
    public void Create_EachFormat_StartsWithoutUsage(WireFormat format)
    {
        UsageReaders.Create(format).Usage.Should().BeNull();
    }

    [Fact]
    public void Create_UnknownFormat_Throws()
    {
        var act = () => UsageReaders.Create((WireFormat)99);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(WireFormat.OpenAIChat)]
    [InlineData(WireFormat.OpenAICompletions)]
    [InlineData(WireFormat.OpenAIResponses)]
    [InlineData(WireFormat.OpenAIEmbeddings)]
    [InlineData(WireFormat.AnthropicMessages)]
    [InlineData(WireFormat.GeminiGenerateContent)]
    public void OnEventAndOnBody_RandomBytesAndTruncatedJson_NeverThrow(WireFormat format)
    {
        var reader = UsageReaders.Create(format, new RecordingTextSink());
        var random = new Random(7);
        var transcript = SseTranscript.Load("anthropic-messages-stream.sse");
        var act = () =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
                reader.OnEvent(bytes, bytes);
                reader.OnBody(bytes);
            }

            for (var length = 0; length < 600; length++)
            {
                // Every prefix of real JSON: truncated objects, strings cut inside escapes.
                var prefix = transcript.AsSpan(transcript.AsSpan().IndexOf("{"u8)..)[..length];
                reader.OnEvent("message_start"u8, prefix);
                reader.OnBody(prefix);
            }
        };

        act.Should().NotThrow();
    }

    // BAD marks where the bad character goes in a content event or body; each row's text is "Hello BAD world".
    [Theory]
    [InlineData(WireFormat.OpenAIChat, "", """{"choices":[{"index":0,"delta":{"content":"Hello BAD world"}}]}""")]
    [InlineData(WireFormat.OpenAIChat, "", """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"Hello BAD world"}}]}}]}""")]
    [InlineData(WireFormat.OpenAIChat, "body", """{"choices":[{"index":0,"message":{"role":"assistant","content":"Hello BAD world"}}]}""")]
    [InlineData(WireFormat.OpenAICompletions, "", """{"choices":[{"index":0,"text":"Hello BAD world"}]}""")]
    [InlineData(WireFormat.OpenAIResponses, "response.output_text.delta", """{"type":"response.output_text.delta","delta":"Hello BAD world"}""")]
    [InlineData(WireFormat.OpenAIResponses, "body", """{"output":[{"type":"message","content":[{"type":"output_text","text":"Hello BAD world"}]}]}""")]
    [InlineData(WireFormat.AnthropicMessages, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello BAD world"}}""")]
    [InlineData(WireFormat.AnthropicMessages, "body", """{"content":[{"type":"text","text":"Hello BAD world"}]}""")]
    public void OnEventAndOnBody_LoneSurrogateOrInvalidUtf8InText_DeliversReplacementCharacter(WireFormat format, string eventName, string json)
    {
        foreach (var bad in (string[])["\\ud800", "\\udc00x", "0xFF"])
        {
            var sink = new RecordingTextSink();
            var reader = UsageReaders.Create(format, sink);
            var bytes = System.Text.Encoding.UTF8.GetBytes(json.Replace("BAD", bad == "0xFF" ? "\u0001" : bad));
            bytes = bad == "0xFF" ? bytes.Select(b => b == 1 ? (byte)0xFF : b).ToArray() : bytes;

            if (eventName == "body")
            {
                reader.OnBody(bytes);
            }
            else
            {
                reader.OnEvent(System.Text.Encoding.UTF8.GetBytes(eventName), bytes).Should().Be(SseEventKind.Content);
            }

            sink.ToString().Should().Be(bad == "\\udc00x" ? "Hello \ufffdx world" : "Hello \ufffd world");
        }
    }

    [Fact]
    public void OnEvent_EscapesAndSurrogatePairs_DecodeLikeTheJsonReader()
    {
        var sink = new RecordingTextSink();
        var reader = UsageReaders.Create(WireFormat.OpenAIChat, sink);

        reader.OnEvent(default, """{"choices":[{"delta":{"content":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00é😀"}}]}"""u8);

        sink.ToString().Should().Be("a\"b\\c/d\b\f\n\r\té😀é😀");
    }

    // Events as "name|data" separated by "¦"; the usage before an error still stands.
    [Theory]
    [InlineData(WireFormat.OpenAIChat, """|{"choices":[{"delta":{"content":"Hi"}}]}¦|[DONE]""", true, null)]
    [InlineData(WireFormat.OpenAIChat, """|{"choices":[{"delta":{"content":"Hi"}}]}""", false, null)]
    [InlineData(WireFormat.OpenAIChat, """|{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5}}¦|{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}""", false, "server_error: The server had an error while processing your request.")]
    [InlineData(WireFormat.OpenAIChat, """|{"error":{"message":"Rate limited","code":"rate_limit_exceeded"}}""", false, "rate_limit_exceeded: Rate limited")]
    [InlineData(WireFormat.OpenAICompletions, """|{"choices":[{"text":"Hi"}]}¦|[DONE]""", true, null)]
    [InlineData(WireFormat.OpenAICompletions, """|{"error":{"message":"bad \ud800 thing","type":"server_error"}}""", false, "server_error: bad \uFFFD thing")]
    [InlineData(WireFormat.OpenAIEmbeddings, "|[DONE]", true, null)]
    [InlineData(WireFormat.AnthropicMessages, """message_start|{"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1}}}¦message_stop|{"type":"message_stop"}""", true, null)]
    [InlineData(WireFormat.AnthropicMessages, """message_start|{"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1}}}¦error|{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", false, "overloaded_error: Overloaded")]
    [InlineData(WireFormat.OpenAIResponses, """response.completed|{"type":"response.completed","response":{"status":"completed","error":null,"incomplete_details":null,"usage":{"input_tokens":10,"output_tokens":5}}}""", true, null)]
    [InlineData(WireFormat.OpenAIResponses, """response.failed|{"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"The model failed to generate a response."},"usage":{"input_tokens":10,"output_tokens":5}}}""", true, "server_error: The model failed to generate a response.")]
    [InlineData(WireFormat.OpenAIResponses, """response.incomplete|{"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":10,"output_tokens":5}}}""", true, "incomplete: max_output_tokens")]
    [InlineData(WireFormat.OpenAIResponses, """response.created|{"type":"response.created","response":{"status":"in_progress","error":null,"usage":null}}¦error|{"type":"error","code":"ERR_SOMETHING","message":"Something went wrong","param":null,"sequence_number":1}""", false, "ERR_SOMETHING: Something went wrong")]
    [InlineData(WireFormat.OpenAIResponses, """response.output_text.delta|{"type":"response.output_text.delta","delta":"Hi"}¦|[DONE]""", false, null)]
    public void OnEvent_StreamEnd_SawTerminalAndStreamError(WireFormat format, string events, bool sawTerminal, string? error)
    {
        var reader = UsageReaders.Create(format, new RecordingTextSink());
        var usageBefore = (TokenUsage?)null;

        foreach (var nameAndData in events.Split('¦'))
        {
            var parts = nameAndData.Split('|', 2);
            usageBefore = reader.Usage ?? usageBefore;
            reader.OnEvent(System.Text.Encoding.UTF8.GetBytes(parts[0]), System.Text.Encoding.UTF8.GetBytes(parts[1]));
        }

        reader.SawTerminal.Should().Be(sawTerminal);
        reader.StreamError.Should().Be(error);
        if (usageBefore is not null)
        {
            reader.Usage.Should().Be(usageBefore);   // an error keeps what was reported before it
        }
    }

    [Fact]
    public void OnEvent_HugeErrorMessage_KeepsTheFirst2048Characters()
    {
        var reader = UsageReaders.Create(WireFormat.AnthropicMessages);
        var message = new string('x', 10_000);

        reader.OnEvent("error"u8, System.Text.Encoding.UTF8.GetBytes($$$"""{"type":"error","error":{"type":"api_error","message":"{{{message}}}"}}"""));

        reader.StreamError.Should().HaveLength(2048).And.StartWith("api_error: xxx");
    }

    [Theory]
    [InlineData(WireFormat.OpenAIChat, """{"error":{"message":"nope","type":"server_error"}}""")]
    [InlineData(WireFormat.OpenAIResponses, """{"status":"failed","error":{"code":"server_error","message":"nope"}}""")]
    [InlineData(WireFormat.AnthropicMessages, """{"type":"error","error":{"type":"overloaded_error","message":"nope"}}""")]
    public void OnBody_ErrorObject_IsNoStreamError(WireFormat format, string json)
    {
        var reader = UsageReaders.Create(format);

        reader.OnBody(System.Text.Encoding.UTF8.GetBytes(json));

        reader.StreamError.Should().BeNull();
        reader.SawTerminal.Should().BeFalse();
    }
}
