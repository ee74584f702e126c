using System.Buffers;

namespace Gateway.Proxy;

/// <summary>Reads a request body whole, but never more than the configured limit.</summary>
internal static class RequestBody
{
    /// <returns>The body, or null when it exceeds <paramref name="limit"/> (a 413).</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        // A declared length over the limit is refused before a byte is read.
        if (request.ContentLength > limit)
            return null;
        // Sized by the declared length when there is one: most bodies are a few hundred bytes.
        var expected = (int)Math.Min(request.ContentLength ?? 16 * 1024, limit) + 1;
        var buffer = new ArrayBufferWriter<byte>(expected);
        while (true)
        {
            var left = expected - buffer.WrittenCount;
            var memory = buffer.GetMemory(left > 0 ? Math.Min(16 * 1024, left) : 16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
                return buffer.WrittenSpan.ToArray();
            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
                return null;
        }
    }
}
