using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// The few moves the usage readers make over a complete JSON value: walk an object's properties, skip what
/// they do not want, take integers, and hand strings to an <see cref="ITextSink"/> without allocating.
/// </summary>
internal static class Utf8JsonReaderExtensions
{
    private const int StackChars = 256;

    /// <summary>
    /// Reads the first token: true when it opens an object that is also complete and well-formed, checked
    /// by a skipping copy first, so a malformed event sends nothing to the sink and no usage is taken.
    /// </summary>
    /// <exception cref="JsonException">The JSON is malformed.</exception>
    public static bool TryStartObject(this ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var probe = reader;
        probe.Skip();
        return true;
    }

    /// <summary>Advances to the next property name of the current object; false at its end.</summary>
    public static bool NextProperty(this ref Utf8JsonReader reader) =>
        reader.Read() && reader.TokenType == JsonTokenType.PropertyName;

    /// <summary>Reads the property's value: true when it opens an array, else skips it and says false.</summary>
    public static bool EnterArray(this ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartArray)
            return true;
        reader.Skip();
        return false;
    }

    /// <summary>Inside an array: moves onto the next element that is an object, skipping others; false at its end.</summary>
    public static bool NextObject(this ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
                return true;
            reader.Skip();
        }

        return false;
    }

    /// <summary>True when the reader is on an object's start; anything else is skipped.</summary>
    public static bool OnObject(this ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
            return true;
        reader.Skip();
        return false;
    }

    /// <summary>Skips the value of the property name the reader is on.</summary>
    public static void SkipValue(this ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>Reads the property's value as an integer; null for null, fractions or other types.</summary>
    public static long? ReadInt64(this ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            return value;
        }

        reader.Skip();
        return null;
    }

    /// <summary>Reads the property's value; a non-empty string goes to the sink. True when there was text.</summary>
    public static bool ReadText(this ref Utf8JsonReader reader, ITextSink? sink)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return false;
        }

        if (reader.ValueSpan.IsEmpty)
        {
            return false;
        }

        if (sink is not null)
        {
            AppendString(ref reader, sink);
        }

        return true;
    }

    /// <summary>Reads the property's value as a string (bad characters as U+FFFD); null for anything else.</summary>
    public static string? ReadString(this ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.ReadCurrentString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>The string token the reader is on, decoded forgivingly (see <see cref="JsonText"/>).</summary>
    public static string ReadCurrentString(this ref Utf8JsonReader reader) => JsonText.ToString(reader.ValueSpan);

    /// <summary>Reads the property's value and passes its raw JSON text (an object, say) to the sink.</summary>
    public static bool ReadRawJson(this ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ITextSink? sink)
    {
        reader.Read();
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var raw = json[start..(int)reader.BytesConsumed];
        if (sink is not null)
        {
            AppendUtf8(raw, sink);
        }

        return !raw.IsEmpty;
    }

    /// <summary>The unescaped bytes of a top-level string property, e.g. an event's <c>type</c>; empty if none.</summary>
    public static ReadOnlySpan<byte> FindTopLevelString(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.NextProperty())
        {
            if (!reader.ValueTextEquals(name))
            {
                reader.SkipValue();
                continue;
            }

            reader.Read();
            // Type names are plain ASCII; an escaped one is not worth unescaping.
            return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? reader.ValueSpan : default;
        }

        return default;
    }

    private static void AppendString(ref Utf8JsonReader reader, ITextSink sink)
    {
        // Unescaped UTF-16 never has more chars than the escaped UTF-8 has bytes.
        var maxChars = reader.ValueSpan.Length;
        char[]? rented = null;
        Span<char> buffer = maxChars <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(maxChars));
        try
        {
            // Not CopyString: it throws on a lone surrogate escape or invalid UTF-8, which lost the event's text.
            // The readers read spans, so ValueSpan is the whole escaped value.
            var written = JsonText.Decode(reader.ValueSpan, buffer);
            sink.Append(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static void AppendUtf8(ReadOnlySpan<byte> utf8, ITextSink sink)
    {
        var rented = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        try
        {
            var written = Encoding.UTF8.GetChars(utf8, rented);
            sink.Append(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
