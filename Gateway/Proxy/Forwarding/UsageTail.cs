using System.Text.Json;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// The usage of a JSON body too large to keep whole (over <see cref="Forwarding.ResponseObserverStream.MaxCapturedBody"/>):
/// every provider puts the top-level <c>usage</c> object last, so the body's tail holds it. A raw
/// <c>"usage":</c> cannot occur inside a JSON string (its quotes would be escaped), so the last one in
/// the tail is a key; the object after it is handed to the reader as <c>{"usage":{…}}</c>.
/// </summary>
internal static class UsageTail
{
    /// <summary>Bytes of the body's end kept while it passes.</summary>
    public const int TailBytes = 64 * 1024;

    public static byte[]? TryExtract(ReadOnlySpan<byte> tail)
    {
        var key = tail.LastIndexOf("\"usage\""u8);
        if (key < 0)
            return null;
        var rest = tail[(key + "\"usage\"".Length)..];
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
            return [.. "{\"usage\":"u8, .. usage, (byte)'}'];
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
