using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// <c>/v1/chat/completions</c>: a choice's <c>delta</c> (streamed) or <c>message</c> (body) delivers
/// <c>content</c>, <c>refusal</c>, <c>tool_calls[].function</c> (or legacy <c>function_call</c>), and on
/// compatible upstreams <c>reasoning_content</c>/<c>reasoning</c>. A role-only or finish-only delta is not
/// content.
/// </summary>
internal sealed class OpenAIChatUsageReader(ITextSink? outputText) : OpenAIChoicesUsageReader(outputText)
{
    protected override bool ReadChoice(ref Utf8JsonReader reader)
    {
        var content = false;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
            {
                content |= ReadMessage(ref reader);
            }
            else
            {
                reader.SkipValue();
            }
        }

        return content;
    }

    private bool ReadMessage(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        var content = false;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("content"u8))
            {
                content |= ReadContent(ref reader);
            }
            else if (reader.ValueTextEquals("refusal"u8) || reader.ValueTextEquals("reasoning_content"u8)
                || reader.ValueTextEquals("reasoning"u8))
            {
                content |= reader.ReadText(OutputText);
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                content |= ReadToolCalls(ref reader);
            }
            else if (reader.ValueTextEquals("function_call"u8))
            {
                reader.Read();
                content |= ReadFunction(ref reader);
            }
            else
            {
                reader.SkipValue();
            }
        }

        return content;
    }

    // A string, or (some compatible upstreams) an array of {"type":"text","text":…} parts.
    private bool ReadContent(ref Utf8JsonReader reader)
    {
        var peek = reader;
        peek.Read();
        if (peek.TokenType != JsonTokenType.StartArray)
        {
            return reader.ReadText(OutputText);
        }

        reader.Read();
        var content = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            content |= ReadFields(ref reader, "text"u8);
        }

        return content;
    }

    private bool ReadToolCalls(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return false;
        }

        var calls = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            calls++;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.NextProperty())
            {
                if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    ReadFunction(ref reader);
                }
                else
                {
                    reader.SkipValue();
                }
            }
        }

        // Any tool-call delta is generated content, even the first one whose arguments are still "".
        return calls > 0;
    }

    private bool ReadFunction(ref Utf8JsonReader reader) => ReadFields(ref reader, "name"u8, "arguments"u8);

    // On an object (or anything, which is skipped): sends the named string fields to the sink.
    private bool ReadFields(ref Utf8JsonReader reader, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second = default)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        var content = false;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals(first) || (!second.IsEmpty && reader.ValueTextEquals(second)))
            {
                content |= reader.ReadText(OutputText);
            }
            else
            {
                reader.SkipValue();
            }
        }

        return content;
    }
}
