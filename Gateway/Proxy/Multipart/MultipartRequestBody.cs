using Gateway.Proxy.Forwarding;
namespace Gateway.Proxy.Multipart;

/// <summary>
/// The body YARP sends upstream for a multipart call: the part read ahead to find the model (renamed when the
/// model has an upstream name), then the rest of the client's body as it arrives, never held whole. The
/// scanner goes on reading the fields that come after the files, and a field that refuses the call cuts the upload
/// there, as the limit, enforced on every byte, does.
/// Read once: a body streamed this way is never retried.
/// </summary>
internal sealed class MultipartRequestBody(ReadOnlyMemory<byte> readAhead, Stream client, MultipartFormScanner scanner,
    long clientBytesSoFar, long limit, Func<Refusal?> refusalOfLateFields, Action<Refusal> refuse) : ForwardOnlyReadStream
{
    private ReadOnlyMemory<byte> _readAhead = readAhead;
    private long _clientBytes = clientBytesSoFar;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_readAhead.IsEmpty)
        {
            var count = Math.Min(buffer.Length, _readAhead.Length);
            _readAhead[..count].CopyTo(buffer);
            _readAhead = _readAhead[count..];
            return count;
        }
        var read = await client.ReadAsync(buffer, cancellationToken);
        _clientBytes += read;
        if (_clientBytes > limit)
        {
            // Stops the upload mid-way: the upstream never gets the whole of an oversized body.
            refuse(Refusal.TooLarge(limit));
            throw new IOException($"The request body exceeds the limit of {limit} bytes.");
        }
        scanner.Append(buffer.Span[..read]);
        if (refusalOfLateFields() is { } refusal)
        {
            // The upstream never gets the whole form, so it never answers (or bills) a call we refuse.
            refuse(refusal);
            throw new IOException(refusal.Message);
        }
        return read;
    }
}
