using System.Net;

namespace Gateway.Proxy.Forwarding;

/// <summary>An upstream body that reads as a clean end when the upstream connection breaks.</summary>
internal sealed class EndOnResetContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ForwardedResponse _forwarded;

    public EndOnResetContent(HttpContent inner, ForwardedResponse forwarded)
    {
        _inner = inner;
        _forwarded = forwarded;
        foreach (var header in inner.Headers)
            Headers.TryAddWithoutValidation(header.Key, header.Value);
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new EndOnResetStream(await _inner.ReadAsStreamAsync(cancellationToken), _forwarded);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await (await CreateContentReadStreamAsync()).CopyToAsync(stream);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    private sealed class EndOnResetStream(Stream inner, ForwardedResponse forwarded) : ForwardOnlyReadStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                forwarded.UpstreamReset = true;
                return 0;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
