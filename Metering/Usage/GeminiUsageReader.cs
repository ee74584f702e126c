using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// Google's native <c>generateContent</c>. The body and each <c>streamGenerateContent?alt=sse</c> chunk are the
/// same <c>GenerateContentResponse</c>: <c>candidates[].content.parts[]</c> (a <c>text</c>, thought text, or a
/// <c>functionCall</c> with its <c>args</c> object) and <c>usageMetadata</c>, repeated on every chunk, the last
/// one holding the totals. The stream has no <c>[DONE]</c>: a chunk whose candidate carries a
/// <c>finishReason</c> (or whose <c>promptFeedback</c> blocks the prompt) ends it.
/// </summary>
internal sealed class GeminiUsageReader(ITextSink? outputText) : IUsageReader
{
    private GeminiUsageFields _fields;

    public TokenUsage? Usage { get; private set; }

    public bool SawTerminal { get; private set; }

    public string? StreamError { get; private set; }

    public SseEventKind OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) =>
        Read(data, streamed: true) ? SseEventKind.Content : SseEventKind.Other;

    public void OnBody(ReadOnlySpan<byte> json) => Read(json, streamed: false);

    // True when the response carried generated content.
    private bool Read(ReadOnlySpan<byte> json, bool streamed)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.TryStartObject())
                return false;

            var fields = _fields;
            var content = false;
            var finished = false;
            while (reader.NextProperty())
            {
                if (reader.ValueTextEquals("candidates"u8))
                {
                    content |= ReadCandidates(ref reader, json, ref finished);
                }
                else if (reader.ValueTextEquals("usageMetadata"u8))
                {
                    fields.Read(ref reader);
                }
                else if (reader.ValueTextEquals("promptFeedback"u8))
                {
                    reader.Read();
                    finished |= HasNonEmptyString(ref reader, "blockReason"u8);   // the prompt was refused; no candidate follows
                }
                else if (streamed && reader.ValueTextEquals("error"u8))
                {
                    // A mid-stream failure: data: {"error":{"code":500,"message":…,"status":"INTERNAL"}}
                    reader.Read();
                    StreamError = UpstreamError.Read(ref reader) ?? StreamError;
                }
                else
                {
                    reader.SkipValue();
                }
            }

            _fields = fields;
            Usage = fields.ToTokenUsage() ?? Usage;
            SawTerminal |= streamed && finished;
            return content;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;   // garbage from upstream is passed on, not metered
        }
    }

    private bool ReadCandidates(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref bool finished)
    {
        var content = false;
        if (!reader.EnterArray())
            return false;
        while (reader.NextObject())
        {
            while (reader.NextProperty())
            {
                if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    content |= ReadParts(ref reader, json);
                }
                else if (reader.ValueTextEquals("finishReason"u8))
                {
                    finished |= reader.ReadString() is { Length: > 0 };
                }
                else
                {
                    reader.SkipValue();
                }
            }
        }

        return content;
    }

    // On a content object: the text of its parts (thoughts included) and each functionCall's name and args.
    private bool ReadParts(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var content = false;
        if (!reader.OnObject())
            return false;
        while (reader.NextProperty())
        {
            if (!reader.ValueTextEquals("parts"u8))
            {
                reader.SkipValue();
            }
            else if (reader.EnterArray())
            {
                while (reader.NextObject())
                    content |= ReadPart(ref reader, json);
            }
        }

        return content;
    }

    private bool ReadPart(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var content = false;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("text"u8))
            {
                content |= reader.ReadText(outputText);
            }
            else if (reader.ValueTextEquals("functionCall"u8))
            {
                reader.Read();
                content |= ReadFunctionCall(ref reader, json);
            }
            else
            {
                reader.SkipValue();   // thought flag, thoughtSignature, inline data echoes
            }
        }

        return content;
    }

    // A whole call comes in one part (Gemini does not stream a call's arguments piecemeal): always content.
    private bool ReadFunctionCall(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (!reader.OnObject())
            return false;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("name"u8))
                reader.ReadText(outputText);
            else if (reader.ValueTextEquals("args"u8))
                reader.ReadRawJson(json, outputText);
            else
                reader.SkipValue();
        }

        return true;
    }

    // On an object: whether its named property is a non-empty string.
    private static bool HasNonEmptyString(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        var found = false;
        if (!reader.OnObject())
            return false;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals(name))
                found |= reader.ReadString() is { Length: > 0 };
            else
                reader.SkipValue();
        }

        return found;
    }
}
