using System.Text.Json;

namespace Gateway.Proxy.Admission;

/// <summary>
/// The fields of a JSON body that price a unit-priced call: <c>n</c>, <c>size</c>, <c>quality</c> (images),
/// <c>input</c> (speech: its characters), <c>documents</c> (rerank: how many). One pass over the top level
/// of a body <see cref="ModelRequest"/> has already validated.
/// </summary>
internal sealed record EndpointFields(long? N, string? Size, string? Quality, long InputCharacters, long Documents, string? ResponseFormat = null)
{
    private const int MaxEchoedChars = 64;

    public static readonly EndpointFields None = new(null, null, null, 0, 0);

    /// <summary>The text fields of a multipart form: <c>n</c>, <c>size</c>, <c>quality</c> (image edits), <c>response_format</c> (audio).</summary>
    public static EndpointFields FromForm(IReadOnlyDictionary<string, string?> form) => new(
        form.GetValueOrDefault("n") is { } n ? (long.TryParse(n, out var count) ? count : long.MaxValue) : null,
        form.GetValueOrDefault("size") is { } size ? ClientText.CutChars(size, MaxEchoedChars) : null,
        form.GetValueOrDefault("quality") is { } quality ? ClientText.CutChars(quality, MaxEchoedChars) : null,
        0, 0,
        form.GetValueOrDefault(Multipart.MultipartFormScanner.ResponseFormatField) is { } format ? ClientText.CutChars(format, MaxEchoedChars) : null);

    public static EndpointFields Read(ReadOnlySpan<byte> body)
    {
        long? n = null;
        string? size = null, quality = null;
        long characters = 0, documents = 0;
        var reader = new Utf8JsonReader(body);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "n" when reader.TokenType == JsonTokenType.Number:
                    n = reader.TryGetInt64(out var count) ? count : long.MaxValue;
                    break;
                case "size" when reader.TokenType == JsonTokenType.String:
                    size = ClientText.CutChars(reader.GetString()!, MaxEchoedChars);
                    break;
                case "quality" when reader.TokenType == JsonTokenType.String:
                    quality = ClientText.CutChars(reader.GetString()!, MaxEchoedChars);
                    break;
                case "input" when reader.TokenType == JsonTokenType.String:
                    // Characters as a reader counts them: code points, an emoji is one.
                    characters = reader.GetString()!.EnumerateRunes().LongCount();
                    break;
                case "documents" when reader.TokenType == JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        documents++;
                        reader.Skip();
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return new EndpointFields(n, size, quality, characters, documents);
    }
}
