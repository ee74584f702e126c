using System.IO.Compression;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// A body an upstream compressed though we asked for none (<c>Content-Encoding: gzip</c>, <c>br</c>,
/// <c>deflate</c>): the client gets the bytes as they came; the meter reads a decoded copy, bounded.
/// </summary>
internal static class BodyDecoding
{
    /// <summary>Whether the encoding is one we can decode (identity and none are not encodings).</summary>
    public static bool IsEncoded(string? encoding) => encoding is "gzip" or "x-gzip" or "br" or "deflate";

    /// <returns>The decoded bytes (at most <paramref name="maxBytes"/>), or null when they do not decode.</returns>
    public static byte[]? TryDecode(string encoding, ReadOnlySpan<byte> body, int maxBytes)
    {
        try
        {
            using var input = new MemoryStream(body.ToArray(), writable: false);
            using Stream decoder = encoding switch
            {
                "br" => new BrotliStream(input, CompressionMode.Decompress),
                "deflate" => new ZLibStream(input, CompressionMode.Decompress),
                _ => new GZipStream(input, CompressionMode.Decompress),
            };
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            // Bounded: a small body that inflates to gigabytes (a zip bomb) stops at the cap.
            while (output.Length < maxBytes && (read = decoder.Read(buffer, 0, (int)Math.Min(buffer.Length, maxBytes - output.Length))) > 0)
                output.Write(buffer, 0, read);
            return output.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return null;
        }
    }
}
