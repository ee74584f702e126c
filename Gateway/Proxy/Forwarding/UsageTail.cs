using System.Text.Json;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// The usage of a JSON body too large to keep whole (over <see cref="Forwarding.ResponseObserverStream.MaxCapturedBody"/>):
/// every provider puts the top-level usage object last (OpenAI's and Anthropic's <c>usage</c>, Gemini's
/// <c>usageMetadata</c>, followed only by <c>modelVersion</c> and <c>responseId</c>), so the body's tail holds
/// it. A raw <c>"usage":</c> cannot occur inside a JSON string (its quotes would be escaped), so the last such
/// key in the tail is a key; the object after it is handed to the reader under its own name, <c>{"usage":{…}}</c>.
/// </summary>
internal static class UsageTail
{
    /// <summary>Bytes of the body's end kept while it passes.</summary>
    public const int TailBytes = 64 * 1024;

    public static byte[]? TryExtract(ReadOnlySpan<byte> tail)
    {
        ReadOnlySpan<byte> name = "\"usage\""u8;
        var key = tail.LastIndexOf(name);
        var gemini = tail.LastIndexOf("\"usageMetadata\""u8);
        if (gemini > key)
        {
            key = gemini;
            name = "\"usageMetadata\""u8;
        }
        if (key < 0)
            return null;
        var rest = tail[(key + name.Length)..];
        var colon = rest.IndexOfAnyExcept(" \t\r\n"u8);
        if (colon < 0 || rest[colon] != (byte)':')
            return null;
        var value = rest[(colon + 1)..];
        var start = value.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0 || value[start] != (byte)'{')
            return null;
        value = value[start..];
        try
        {
            var reader = new Utf8JsonReader(value);
            reader.Read();
            reader.Skip();
            var usage = value[..(int)reader.BytesConsumed];
            return [(byte)'{', .. name, (byte)':', .. usage, (byte)'}'];
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
