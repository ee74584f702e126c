using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// Anthropic <c>/v1/messages</c>. Streamed: <c>message_start</c> carries <c>message.usage</c> with the input
/// side (and a first <c>output_tokens</c>); each <c>message_delta</c> carries cumulative <c>usage</c>, the last
/// one final. Content arrives in <c>content_block_delta</c>. Body: the message, <c>usage</c> at top level.
/// Usage is merged per field, never summed: a later non-null field replaces the earlier one.
/// </summary>
/// <remarks>
/// Anthropic's <c>input_tokens</c> excludes cache reads and writes; they are added back here so
/// <see cref="TokenUsage.InputTokens"/> counts every prompt token.
/// </remarks>
internal sealed class AnthropicMessagesUsageReader(ITextSink? outputText) : IUsageReader
{
    private static ReadOnlySpan<byte> MessageStart => "message_start"u8;
    private static ReadOnlySpan<byte> MessageDelta => "message_delta"u8;
    private static ReadOnlySpan<byte> ContentBlockStart => "content_block_start"u8;
    private static ReadOnlySpan<byte> ContentBlockDelta => "content_block_delta"u8;
    private static ReadOnlySpan<byte> MessageStop => "message_stop"u8;
    private static ReadOnlySpan<byte> Error => "error"u8;

    private AnthropicUsageFields _fields;

    public TokenUsage? Usage { get; private set; }

    public bool SawTerminal { get; private set; }

    public string? StreamError { get; private set; }

    public SseEventKind OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        try
        {
            var probe = new Utf8JsonReader(data);
            if (!probe.TryStartObject())
            {
                return SseEventKind.Other;
            }

            var type = Utf8JsonReaderExtensions.FindTopLevelString(data, "type"u8);
            type = type.IsEmpty ? eventName : type;
            if (type.SequenceEqual(ContentBlockDelta))
            {
                // Any delta is generated content, even the empty partial_json that opens a tool_use input.
                ReadTopLevel(data, "delta"u8);
                return SseEventKind.Content;
            }

            if (type.SequenceEqual(ContentBlockStart))
            {
                // Usually an empty text block or a tool_use header; content only if it already holds text.
                return ReadTopLevel(data, "content_block"u8) ? SseEventKind.Content : SseEventKind.Other;
            }

            if (type.SequenceEqual(MessageStart) || type.SequenceEqual(MessageDelta))
            {
                var fields = _fields;
                ReadUsageIn(data, ref fields, nested: type.SequenceEqual(MessageStart));
                Commit(fields);
            }
            else if (type.SequenceEqual(MessageStop))
            {
                SawTerminal = true;
            }
            else if (type.SequenceEqual(Error))
            {
                // event: error, data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}
                var reader = new Utf8JsonReader(data);
                reader.Read();
                StreamError = EnterProperty(ref reader, "error"u8) ? UpstreamError.Read(ref reader) ?? StreamError : StreamError;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }

        return SseEventKind.Other;   // message_stop, ping, error, unknown events
    }

    public void OnBody(ReadOnlySpan<byte> json)
    {
        try
        {
            var fields = _fields;
            var reader = new Utf8JsonReader(json);
            if (!reader.TryStartObject())
            {
                return;
            }

            while (reader.NextProperty())
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    fields.Read(ref reader);
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    ReadContentBlocks(ref reader, json);
                }
                else
                {
                    reader.SkipValue();
                }
            }

            Commit(fields);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }
    }

    private void Commit(AnthropicUsageFields fields)
    {
        _fields = fields;
        Usage = fields.ToTokenUsage() ?? Usage;
    }

    // message_start nests usage in "message"; message_delta has it at top level.
    private static void ReadUsageIn(ReadOnlySpan<byte> data, ref AnthropicUsageFields fields, bool nested)
    {
        var reader = new Utf8JsonReader(data);
        reader.Read();
        if (nested && !EnterProperty(ref reader, "message"u8))
        {
            return;
        }

        if (EnterProperty(ref reader, "usage"u8))
        {
            fields.ReadObject(ref reader);
        }
    }

    // From an object's start, moves onto the value of the named property; false if it has none.
    private static bool EnterProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals(name))
            {
                reader.Read();
                return true;
            }

            reader.SkipValue();
        }

        return false;
    }

    // Reads the text of the named top-level object (a delta or a content block); true if it had some.
    private bool ReadTopLevel(ReadOnlySpan<byte> data, ReadOnlySpan<byte> property)
    {
        var reader = new Utf8JsonReader(data);
        reader.Read();
        return EnterProperty(ref reader, property) && ReadBlockText(ref reader, body: default);
    }

    // The text-bearing fields of one delta or block: "text" (text_delta, text block), "partial_json"
    // (input_json_delta), "thinking"; signatures and citations are not output text. body: the whole response
    // body, to slice a tool_use "input" from; empty when streamed, where the input comes as partial_json.
    private bool ReadBlockText(ref Utf8JsonReader reader, ReadOnlySpan<byte> body)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        var content = false;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("partial_json"u8)
                || reader.ValueTextEquals("thinking"u8))
            {
                content |= reader.ReadText(outputText);
            }
            else if (!body.IsEmpty && reader.ValueTextEquals("input"u8))
            {
                content |= reader.ReadRawJson(body, outputText);
            }
            else
            {
                reader.SkipValue();
            }
        }

        return content;
    }

    private void ReadContentBlocks(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ReadBlockText(ref reader, body: json);
        }
    }
}
