using System.Text.Json;
using System.Text.Unicode;
using Metering.Usage;

namespace Gateway.Proxy.Admission;

/// <summary>
/// The JSON body of a model call: what the pipeline needs from it (model, stream) and the rewrite
/// it gets on the way up (upstream model name; usage requested on OpenAI streams). One pass of a
/// <see cref="Utf8JsonReader"/> validates the body and notes where those values sit; the rewrite
/// splices the original bytes there, so everything else goes upstream exactly as the client sent it.
/// </summary>
internal sealed class ModelRequest
{
    private const string ModelProperty = "model";
    private const string StreamProperty = "stream";
    private const string StreamOptionsProperty = "stream_options";
    private const string IncludeUsageProperty = "include_usage";

    /// <summary>Byte ranges in the body: the <c>model</c> string token, quotes included.</summary>
    private Range _model;
    private int _afterRootBrace;
    private Range? _streamOptions;
    private int? _afterStreamOptionsBrace;
    private bool _streamOptionsEmpty;
    private Range? _includeUsage;
    private bool _includeUsageTrue;

    /// <summary>The model came from the path (Gemini): the body has no <c>model</c> or <c>stream</c> of ours to read or rewrite.</summary>
    private bool _modelInPath;

    private ModelRequest()
    {
    }

    /// <summary>
    /// The model asked for, at most <see cref="ClientText.MaxModelBytes"/> UTF-8 bytes. Set for the row even
    /// when the body is refused (the first bytes of a name too long, the escaped text of one that is not Unicode).
    /// </summary>
    public string Model { get; private set; } = "";

    public bool Stream { get; private set; }

    /// <summary>Whether the client itself asked for the usage chunk of an OpenAI stream.</summary>
    public bool ClientAskedForUsage { get; private set; }

    /// <returns>The request; when <paramref name="refusal"/> is set, only its <see cref="Model"/> (for the row) means anything.</returns>
    public static ModelRequest Parse(ReadOnlySpan<byte> body, out Refusal? refusal)
    {
        var request = new ModelRequest();
        refusal = request.ReadGuarded(body);
        return request;
    }

    private Refusal? ReadGuarded(ReadOnlySpan<byte> body)
    {
        Refusal? refusal;
        try
        {
            refusal = Read(body);
        }
        catch (JsonException)
        {
            // Depth over 64, a stray byte, a truncated body: the reader's own message would quote the body's position only.
            refusal = Refusal.Malformed(body.StartsWith(Utf8Bom)
                ? "The request body is not valid JSON: it starts with a byte order mark."
                : "The request body is not valid JSON.");
        }
        catch (InvalidOperationException)
        {
            // The reader refuses to transcode invalid UTF-8 or a lone surrogate; no such string is ours to read.
            refusal = Refusal.Malformed("The request body holds text that is not valid UTF-8 or UTF-16.");
        }
        return refusal;
    }

    /// <summary>A body whose model is named in the path (Gemini's <c>/v1beta/models/{model}:…</c>), and whose path says whether it streams.</summary>
    /// <param name="model">The path's model, already decoded by routing.</param>
    public static ModelRequest ParseWithPathModel(string model, bool stream, ReadOnlySpan<byte> body, out Refusal? refusal)
    {
        var request = new ModelRequest { _modelInPath = true, Stream = stream, Model = ClientText.CutUtf8(model, ClientText.MaxModelBytes) };
        refusal = request.Model.Length != model.Length ? ModelTooLong()
            : model.Length == 0 ? Refusal.Malformed("The path must name a model: /v1beta/models/{model}:method.")
            : null;
        var malformed = request.ReadGuarded(body);
        refusal ??= malformed;
        return request;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private Refusal? Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read())
            return Refusal.Malformed("The request body is not valid JSON.");
        if (reader.TokenType != JsonTokenType.StartObject)
            return Refusal.Malformed("The request body must be a JSON object.");
        if (_modelInPath)
            return ReadWhole(ref reader);
        _afterRootBrace = (int)reader.BytesConsumed;
        bool seenModel = false, seenStream = false, seenOptions = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(ModelProperty))
            {
                // Two "model" keys could be priced on one and served by the other.
                if (!Once(ref seenModel))
                    return Duplicate(ModelProperty);
                reader.Read();
                if (ReadModel(ref reader) is { } refusal)
                    return refusal;
            }
            else if (reader.ValueTextEquals(StreamProperty))
            {
                if (!Once(ref seenStream))
                    return Duplicate(StreamProperty);
                reader.Read();
                // "stream":"true" would be a stream to a lenient upstream and a plain body to us: refuse it.
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                    return Refusal.Malformed("'stream' must be a boolean.");
                Stream = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals(StreamOptionsProperty))
            {
                if (!Once(ref seenOptions))
                    return Duplicate(StreamOptionsProperty);
                reader.Read();
                if (ReadStreamOptions(ref reader) is { } refusal)
                    return refusal;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        // Reading on to the end rejects anything after the object.
        while (reader.Read())
        {
        }
        return seenModel ? null : Refusal.Malformed("Missing required parameter: 'model'.");
    }

    /// <summary>A body read only to check it is one well-formed JSON object (the reader is on its start).</summary>
    private static Refusal? ReadWhole(ref Utf8JsonReader reader)
    {
        reader.Skip();
        while (reader.Read())
        {
        }
        return null;
    }

    /// <summary>
    /// SPEC §9: a name over 256 UTF-8 bytes, or one that is not Unicode, is a 400. The length is checked on the
    /// raw bytes first, so a 1 MB name is never decoded whole.
    /// </summary>
    private Refusal? ReadModel(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
            return Refusal.Malformed("'model' must be a non-empty string.");
        _model = new Range((int)reader.TokenStartIndex, (int)reader.BytesConsumed);
        var raw = reader.ValueSpan;
        // For the row whatever comes next: the first bytes as sent (an escaped name's escapes included).
        Model = ClientText.DecodeCut(raw, ClientText.MaxModelBytes);
        if (!Utf8.IsValid(raw))
            return Refusal.Malformed("'model' is not valid UTF-8.");
        if (reader.ValueIsEscaped)
        {
            // An escape is at most six times its UTF-8 (\u0041 is one byte): past that many raw bytes, too long unread.
            if (raw.Length > 6 * ClientText.MaxModelBytes)
                return ModelTooLong();
            string name;
            try
            {
                name = reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                return Refusal.Malformed("'model' holds a lone UTF-16 surrogate.");
            }
            Model = ClientText.CutUtf8(name, ClientText.MaxModelBytes);
            if (Model.Length != name.Length)
                return ModelTooLong();
        }
        else if (raw.Length > ClientText.MaxModelBytes)
        {
            return ModelTooLong();
        }
        return Model.Length == 0 ? Refusal.Malformed("'model' must be a non-empty string.") : null;
    }

    private static Refusal ModelTooLong() => Refusal.Malformed($"'model' is longer than {ClientText.MaxModelBytes} UTF-8 bytes.");

    private Refusal? ReadStreamOptions(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            _afterStreamOptionsBrace = (int)reader.BytesConsumed;
            _streamOptionsEmpty = true;
            var seenIncludeUsage = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                _streamOptionsEmpty = false;
                var isIncludeUsage = reader.ValueTextEquals(IncludeUsageProperty);
                if (isIncludeUsage && !Once(ref seenIncludeUsage))
                    return Duplicate($"{StreamOptionsProperty}.{IncludeUsageProperty}");
                reader.Read();
                var valueStart = (int)reader.TokenStartIndex;
                if (isIncludeUsage && reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                    return Refusal.Malformed($"'{StreamOptionsProperty}.{IncludeUsageProperty}' must be a boolean.");
                if (isIncludeUsage)
                    _includeUsageTrue = reader.TokenType == JsonTokenType.True;
                reader.Skip();
                if (isIncludeUsage)
                    _includeUsage = new Range(valueStart, (int)reader.BytesConsumed);
            }
        }
        else if (reader.TokenType != JsonTokenType.Null)
        {
            return Refusal.Malformed($"'{StreamOptionsProperty}' must be an object.");
        }
        _streamOptions = new Range(start, (int)reader.BytesConsumed);
        return null;
    }

    private static bool Once(ref bool seen)
    {
        var first = !seen;
        seen = true;
        return first;
    }

    private static Refusal Duplicate(string property) => Refusal.Malformed($"'{property}' appears more than once.");

    /// <summary>The body to send upstream: renamed model, and usage requested on OpenAI streams.</summary>
    public byte[] RewriteForUpstream(string upstreamModel, WireFormat? format, byte[] original)
    {
        if (_modelInPath)
            return original;   // the upstream's name for the model goes in its path

        // At most two splices, in body order: model first, then the usage request (or the reverse).
        Span<(int Start, int End, byte[] Text)> edits = new (int, int, byte[])[2];
        var count = 0;
        if (upstreamModel != Model)
            edits[count++] = (_model.Start.Value, _model.End.Value, JsonSerializer.SerializeToUtf8Bytes(upstreamModel));
        if (Stream && format is WireFormat.OpenAIChat or WireFormat.OpenAICompletions)
        {
            ClientAskedForUsage = _includeUsageTrue;
            if (!ClientAskedForUsage)
                edits[count++] = UsageRequestEdit();
        }
        if (count == 0)
            return original;
        edits = edits[..count];
        if (count == 2 && edits[1].Start < edits[0].Start)
            (edits[0], edits[1]) = (edits[1], edits[0]);

        var length = original.Length;
        foreach (var edit in edits)
            length += edit.Text.Length - (edit.End - edit.Start);
        var result = new byte[length];
        int from = 0, to = 0;
        foreach (var edit in edits)
        {
            original.AsSpan(from, edit.Start - from).CopyTo(result.AsSpan(to));
            to += edit.Start - from;
            edit.Text.CopyTo(result.AsSpan(to));
            to += edit.Text.Length;
            from = edit.End;
        }
        original.AsSpan(from).CopyTo(result.AsSpan(to));
        return result;
    }

    private (int Start, int End, byte[] Text) UsageRequestEdit()
    {
        if (_includeUsage is { } value)
            return (value.Start.Value, value.End.Value, "true"u8.ToArray());
        if (_afterStreamOptionsBrace is { } inside)
            return (inside, inside, _streamOptionsEmpty ? "\"include_usage\":true"u8.ToArray() : "\"include_usage\":true,"u8.ToArray());
        if (_streamOptions is { } options) // null: replaced
            return (options.Start.Value, options.End.Value, "{\"include_usage\":true}"u8.ToArray());
        // The object has at least "model", so a leading member needs a comma after it.
        return (_afterRootBrace, _afterRootBrace, "\"stream_options\":{\"include_usage\":true},"u8.ToArray());
    }
}
