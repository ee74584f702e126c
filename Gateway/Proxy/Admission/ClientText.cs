using System.Text;

namespace Gateway.Proxy.Admission;

/// <summary>
/// SPEC §9: text a client chooses is bounded before it is kept in a row or echoed in an error, so a
/// 1 MB <c>model</c> or path costs the store and the response a few hundred bytes, not a megabyte each.
/// </summary>
internal static class ClientText
{
    /// <summary>A <c>model</c> (or per-call API name) longer than this many UTF-8 bytes is refused; the row keeps this much.</summary>
    public const int MaxModelBytes = 256;

    /// <summary>UTF-8 bytes of the request path a row keeps (Kestrel already refuses request lines over 8 KB).</summary>
    public const int MaxPathBytes = 2048;

    /// <summary>Characters of a row's <c>message</c>.</summary>
    public const int MaxMessageChars = 2048;

    /// <summary>Characters of a header value quoted back in an error message (the Content-Type).</summary>
    public const int MaxEchoChars = 100;

    /// <summary>The longest prefix of <paramref name="text"/> within <paramref name="maxBytes"/> UTF-8 bytes, never splitting a character.</summary>
    public static string CutUtf8(string text, int maxBytes)
    {
        if (text.Length * 3 <= maxBytes || Encoding.UTF8.GetByteCount(text) <= maxBytes)
            return text;
        int bytes = 0, i = 0;
        while (i < text.Length)
        {
            var pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            // A lone surrogate is written as U+FFFD: three bytes.
            var width = pair ? 4 : text[i] < 0x80 ? 1 : text[i] < 0x800 ? 2 : 3;
            if (bytes + width > maxBytes)
                break;
            bytes += width;
            i += pair ? 2 : 1;
        }
        return text[..i];
    }

    /// <summary>The first <paramref name="maxBytes"/> bytes of UTF-8 text at most, cut before a continuation byte; invalid bytes read as U+FFFD.</summary>
    public static string DecodeCut(ReadOnlySpan<byte> utf8, int maxBytes)
    {
        if (utf8.Length <= maxBytes)
            return Encoding.UTF8.GetString(utf8);
        var cut = maxBytes;
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80)
            cut--;
        return Encoding.UTF8.GetString(utf8[..cut]);
    }

    /// <summary>At most <paramref name="maxChars"/> characters, never half a surrogate pair.</summary>
    public static string CutChars(string text, int maxChars) =>
        text.Length <= maxChars ? text : text[..(char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars)];
}
