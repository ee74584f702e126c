using System.Buffers;

namespace Gateway.Proxy.Admission;

/// <summary>Reads a request body whole, but never more than the configured limit.</summary>
internal static class RequestBody
{
    /// <returns>The body, or the refusal: 413 over <paramref name="limit"/>, 400 when the server finds the body broken.</returns>
    public static async ValueTask<(byte[]? Body, Refusal? Refusal)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        try
        {
            var body = await ReadWithinAsync(request, limit, cancellationToken);
            return body is null ? (null, Refusal.TooLarge(limit)) : (body, null);
        }
        catch (BadHttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Kestrel's verdict on the framing (the body ended before its Content-Length, a bad chunk): the
            // client's mistake, answered in the route's format and recorded with the status the client sees.
            return (null, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Refusal.TooLarge(limit)
                : Refusal.Malformed($"The request body could not be read: {ex.Message}"));
        }
    }

    private static async ValueTask<byte[]?> ReadWithinAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        // A declared length over the limit is refused before a byte is read.
        if (request.ContentLength > limit)
            return null;
        if (request.ContentLength is { } declared && declared <= Array.MaxLength)
            return await ReadDeclaredAsync(request.Body, (int)declared, cancellationToken);
        // No declared length (a chunked body): grown as it comes, never past the limit.
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(16 * 1024), cancellationToken);
            if (read == 0)
                return buffer.WrittenSpan.ToArray();
            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
                return null;
        }
    }

    /// <summary>
    /// A declared length (most bodies, a few hundred bytes): read straight into an array of that size, no
    /// copy. The server ends the body at the declared length; one that ends early (Kestrel throws instead)
    /// is returned as far as it came.
    /// </summary>
    private static async ValueTask<byte[]> ReadDeclaredAsync(Stream body, int length, CancellationToken cancellationToken)
    {
        var bytes = length == 0 ? [] : new byte[length];
        var filled = 0;
        while (filled < length)
        {
            var read = await body.ReadAsync(bytes.AsMemory(filled), cancellationToken);
            if (read == 0)
                return bytes[..filled];
            filled += read;
        }
        return bytes;
    }
}
