using System.IO.Pipelines;
using System.Text;
using Gateway.Proxy;
using Gateway.Proxy.Forwarding;
using Metering.Usage;

namespace Gateway.Tests.Gateway.Proxy.Forwarding;

/// <summary>What reaches the client's pipe, and when: once per upstream read, the end only after the commit.</summary>
public class ResponseObserverStreamTests
{
    private const string Content1 = "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n";
    private const string Content2 = "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n";
    private const string End = "data: [DONE]\n\n";

    [Fact]
    public async Task ContentRead_IsFlushedAtOnce()
    {
        var (pipe, observer) = NewStreamObserver();

        await observer.WriteAsync(Encoding.UTF8.GetBytes(Content1 + Content2));

        ReadFlushed(pipe).Should().Be(Content1 + Content2);
    }

    [Fact]
    public async Task ReadThatEndsTheStream_WaitsWhole_ThenLeavesWithTheEndInOneWrite()
    {
        var (pipe, observer) = NewStreamObserver();
        await observer.WriteAsync(Encoding.UTF8.GetBytes(Content1));
        ReadFlushed(pipe).Should().Be(Content1);

        await observer.WriteAsync(Encoding.UTF8.GetBytes(Content2 + End));
        observer.Complete(upstreamEndedCleanly: true);

        ReadFlushed(pipe).Should().BeEmpty("the last content came with the end, and the end waits for the row");
        await observer.ReleaseHeldAsync();
        await pipe.Writer.FlushAsync(); // the server's end of a chunked body
        ReadFlushed(pipe).Should().Be(Content2 + End);
    }

    [Fact]
    public async Task ReleaseHeld_BodyOfDeclaredLengthOverManyReads_FlushesItsEnd()
    {
        // Kestrel ends a started response of declared length without flushing its pipe: the held end
        // must leave by our own flush, or the client waits for its last bytes (the ~4 KB hang).
        var pipe = new Pipe();
        var feature = new MeteringFeature("req_test", ProxyRoute.ModelRoutes[0], TimeProvider.System);
        var observer = new ResponseObserverStream(pipe.Writer, feature, TimeProvider.System);
        var body = Encoding.UTF8.GetBytes(new string('x', 6000));
        observer.Begin(new UpstreamBody(IsEventStream: false, Success: true, ContentLength: body.Length, MediaType: "application/json", ContentEncoding: null, Secret: null));

        await observer.WriteAsync(body.AsMemory(0, 4096));
        await observer.WriteAsync(body.AsMemory(4096));
        observer.Complete(upstreamEndedCleanly: true);
        ReadFlushed(pipe).Should().HaveLength(4095, "the first read went out, less the held byte; the last read waits for the row");

        await observer.ReleaseHeldAsync();
        ReadFlushed(pipe).Should().HaveLength(6000 - 4095);
    }

    private static (Pipe Pipe, ResponseObserverStream Observer) NewStreamObserver()
    {
        var pipe = new Pipe();
        var feature = new MeteringFeature("req_test", ProxyRoute.ModelRoutes[0], TimeProvider.System);
        feature.Forwarded.UsageReader = UsageReaders.Create(WireFormat.OpenAIChat);
        var observer = new ResponseObserverStream(pipe.Writer, feature, TimeProvider.System);
        observer.Begin(new UpstreamBody(IsEventStream: true, Success: true, ContentLength: null, MediaType: "text/event-stream", ContentEncoding: null, Secret: null));
        return (pipe, observer);
    }

    /// <summary>What has been flushed to the reader so far (empty when nothing was).</summary>
    private static string ReadFlushed(Pipe pipe)
    {
        if (!pipe.Reader.TryRead(out var result))
            return "";
        var text = Encoding.UTF8.GetString(result.Buffer);
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return text;
    }
}
