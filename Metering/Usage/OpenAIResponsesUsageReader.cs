using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// <c>/v1/responses</c>. Streamed: every event names its <c>type</c>; the <c>*.delta</c> events carry the
/// generated content, and usage arrives as <c>response.usage</c> on <c>response.completed</c> (or
/// <c>response.incomplete</c>/<c>response.failed</c>); earlier lifecycle events carry <c>"usage":null</c>.
/// Body: the response object, <c>usage</c> at top level, text in <c>output[]</c>. Either way the response
/// object's <c>id</c> is kept: later calls for that response must reach the cluster that created it.
/// </summary>
internal sealed class OpenAIResponsesUsageReader(ITextSink? outputText) : IUsageReader, IResponseIdSource
{
    private static ReadOnlySpan<byte> DeltaSuffix => ".delta"u8;

    // response.audio.delta is base64 audio, response.audio.transcript.delta its transcript: not text output.
    private static ReadOnlySpan<byte> AudioPrefix => "response.audio."u8;

    private static ReadOnlySpan<byte> Completed => "response.completed"u8;
    private static ReadOnlySpan<byte> Failed => "response.failed"u8;
    private static ReadOnlySpan<byte> Incomplete => "response.incomplete"u8;
    private static ReadOnlySpan<byte> Error => "error"u8;

    public TokenUsage? Usage { get; private set; }

    public bool SawTerminal { get; private set; }

    public string? StreamError { get; private set; }

    public string? ResponseId { get; private set; }

    public SseEventKind OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (OpenAIJson.IsDone(data))
        {
            return SseEventKind.Done;
        }

        try
        {
            var type = Utf8JsonReaderExtensions.FindTopLevelString(data, "type"u8);
            type = type.IsEmpty ? eventName : type;
            var isDelta = type.EndsWith(DeltaSuffix);
            var textDelta = isDelta && !type.StartsWith(AudioPrefix);

            var reader = new Utf8JsonReader(data);
            if (!reader.TryStartObject())
            {
                return SseEventKind.Other;
            }

            TokenUsage? usage = null;
            string? failure = null, code = null, message = null;
            var isError = type.SequenceEqual(Error);
            while (reader.NextProperty())
            {
                if (textDelta && reader.ValueTextEquals("delta"u8))
                {
                    reader.ReadText(outputText);
                }
                else if (reader.ValueTextEquals("response"u8))
                {
                    reader.Read();
                    usage = ReadResponseObject(ref reader, streamed: true, out failure) ?? usage;
                }
                else if (isError && reader.ValueTextEquals("code"u8))
                {
                    code = reader.ReadString();
                }
                else if (isError && reader.ValueTextEquals("message"u8))
                {
                    message = reader.ReadString();
                }
                else
                {
                    reader.SkipValue();
                }
            }

            Usage = usage ?? Usage;
            var failed = type.SequenceEqual(Failed);
            var incomplete = type.SequenceEqual(Incomplete);
            SawTerminal |= failed || incomplete || type.SequenceEqual(Completed);
            StreamError = isError ? UpstreamError.Compose(code, message) ?? "error"
                : failed ? failure ?? "response.failed"
                : incomplete ? failure ?? "response.incomplete"
                : StreamError;
            return isDelta ? SseEventKind.Content : SseEventKind.Other;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return SseEventKind.Other;
        }
    }

    public void OnBody(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (reader.TryStartObject())
            {
                Usage = ReadResponseObject(ref reader, streamed: false, out _) ?? Usage;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }
    }

    // On the response object: its usage; in a body also its output text (a stream already sent it as deltas).
    // failure: its "error" (response.failed), else its "incomplete_details.reason" (response.incomplete).
    private TokenUsage? ReadResponseObject(ref Utf8JsonReader reader, bool streamed, out string? failure)
    {
        failure = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        TokenUsage? usage = null;
        string? error = null, incomplete = null;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("usage"u8))
            {
                usage = OpenAIJson.ReadUsage(ref reader) ?? usage;
            }
            else if (ResponseId is null && reader.ValueTextEquals("id"u8))
            {
                ResponseId = reader.ReadString() is { Length: > 0 and <= IResponseIdSource.MaxIdChars } id ? id : null;
            }
            else if (streamed && reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = UpstreamError.Read(ref reader);
            }
            else if (streamed && reader.ValueTextEquals("incomplete_details"u8))
            {
                reader.Read();
                incomplete = ReadIncompleteReason(ref reader);
            }
            else if (!streamed && reader.ValueTextEquals("output"u8))
            {
                ReadOutputText(ref reader);
            }
            else
            {
                reader.SkipValue();
            }
        }

        failure = error ?? (incomplete is null ? null : UpstreamError.Compose("incomplete", incomplete));
        return usage;
    }

    // incomplete_details: {"reason":"max_output_tokens"}
    private static string? ReadIncompleteReason(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? reason = null;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("reason"u8))
            {
                reason = reader.ReadString();
            }
            else
            {
                reader.SkipValue();
            }
        }

        return reason;
    }

    // output[]: message items hold content[] parts (output_text "text", "refusal"); function_call items hold
    // "arguments"; reasoning items hold summary[] parts with "text".
    private void ReadOutputText(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.NextProperty())
            {
                if (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("summary"u8))
                {
                    ReadParts(ref reader);
                }
                else if (reader.ValueTextEquals("arguments"u8))
                {
                    reader.ReadText(outputText);
                }
                else
                {
                    reader.SkipValue();
                }
            }
        }
    }

    private void ReadParts(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.NextProperty())
            {
                if (reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("refusal"u8))
                {
                    reader.ReadText(outputText);
                }
                else
                {
                    reader.SkipValue();
                }
            }
        }
    }
}
