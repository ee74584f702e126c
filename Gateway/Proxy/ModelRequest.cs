using System.Text.Json;
using Metering.Usage;

namespace Gateway.Proxy;

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

    private ModelRequest()
    {
    }

    public string Model { get; private set; } = "";

    public bool Stream { get; private set; }

    /// <summary>Whether the client itself asked for the usage chunk of an OpenAI stream.</summary>
    public bool ClientAskedForUsage { get; private set; }

    public static ModelRequest Parse(ReadOnlySpan<byte> body, out Refusal? refusal)
    {
        var request = new ModelRequest();
        refusal = null;
        try
        {
            refusal = request.Read(body);
        }
        catch (JsonException)
        {
            refusal = Refusal.Malformed("The request body is not valid JSON.");
        }
        return refusal is null ? request : null!;
    }

    private Refusal? Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read())
            return Refusal.Malformed("The request body is not valid JSON.");
        if (reader.TokenType != JsonTokenType.StartObject)
            return Refusal.Malformed("The request body must be a JSON object.");
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
                if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { Length: > 0 } name)
                    return Refusal.Malformed("'model' must be a non-empty string.");
                Model = name;
                _model = new Range((int)reader.TokenStartIndex, (int)reader.BytesConsumed);
            }
            else if (reader.ValueTextEquals(StreamProperty))
            {
                if (!Once(ref seenStream))
                    return Duplicate(StreamProperty);
                reader.Read();
                Stream = reader.TokenType == JsonTokenType.True;
                reader.Skip();
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
                if (isIncludeUsage)
                    _includeUsageTrue = reader.TokenType == JsonTokenType.True;
                reader.Skip();
                if (isIncludeUsage)
                    _includeUsage = new Range(valueStart, (int)reader.BytesConsumed);
            }
        }
        else
        {
            reader.Skip();
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
    public byte[] RewriteForUpstream(string upstreamModel, WireFormat format, byte[] original)
    {
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
        if (_streamOptions is { } options) // null or not an object: replaced
            return (options.Start.Value, options.End.Value, "{\"include_usage\":true}"u8.ToArray());
        // The object has at least "model", so a leading member needs a comma after it.
        return (_afterRootBrace, _afterRootBrace, "\"stream_options\":{\"include_usage\":true},"u8.ToArray());
    }
}
