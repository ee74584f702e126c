using System.Text.Json;

namespace Metering.Usage;

/// <summary>Reads an error object an upstream sends inside a stream into one line of text.</summary>
internal static class UpstreamError
{
    /// <summary>A row's message keeps at most this many characters (SPEC §9); an error text is cut there too.</summary>
    public const int MaxChars = 2048;

    /// <summary>
    /// On an error object, reads it whole: <c>{"type": …, "code": …, "message": …}</c> as <c>"type: message"</c>
    /// (the code when there is no type; Google's <c>status</c> stands for the type)
    /// (OpenAI's and Anthropic's <c>error</c>, Responses' <c>response.error</c>); a bare string as itself.
    /// Null when it is null or holds neither field.
    /// </summary>
    public static string? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return Bound(reader.ReadCurrentString());
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? type = null, code = null, message = null;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("message"u8))
            {
                message = reader.ReadString() ?? message;
            }
            else if (reader.ValueTextEquals("type"u8) || reader.ValueTextEquals("status"u8))
            {
                type = reader.ReadString() ?? type;
            }
            else if (reader.ValueTextEquals("code"u8))
            {
                code = reader.ReadString() ?? code;   // a number (some upstreams) is skipped
            }
            else
            {
                reader.SkipValue();
            }
        }

        return Compose(type ?? code, message);
    }

    /// <summary><c>"type: message"</c>, either part alone when the other is missing; null when both are.</summary>
    public static string? Compose(string? type, string? message) =>
        Bound(string.IsNullOrEmpty(type) ? message : string.IsNullOrEmpty(message) ? type : $"{type}: {message}");

    private static string? Bound(string? text) => text is { Length: > MaxChars } ? text[..MaxChars] : text;
}
