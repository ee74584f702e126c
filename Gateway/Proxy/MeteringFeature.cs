using Gateway.Auth;
using Metering.Pricing;
using Metering.Storage;
using Metering.Usage;

namespace Gateway.Proxy;

/// <summary>
/// Everything one metered request learns on its way through the pipeline, in one place on
/// <c>HttpContext.Features</c>; the meter turns it into the request's single log row.
/// </summary>
internal sealed class MeteringFeature(string requestId, ProxyRoute route, TimeProvider clock)
{
    public string RequestId { get; } = requestId;
    public ProxyRoute Route { get; } = route;
    public long ArrivalTimestamp { get; } = clock.GetTimestamp();
    public long ArrivalUnixMs { get; } = clock.GetUtcNow().ToUnixTimeMilliseconds();

    public Caller? Caller { get; set; }
    public Metering.Ledger.AccountState? Account { get; set; }
    public string? ClientIp { get; set; }

    /// <summary>The model asked for (or the per-call API's name).</summary>
    public string Model { get; set; } = "";
    public CatalogModel? CatalogModel { get; set; }
    public PriceSheet? Price { get; set; }
    public byte[] RequestBody { get; set; } = [];

    /// <summary>The body as sent upstream (renamed model, usage requested); kept so a retry can resend it.</summary>
    public byte[] UpstreamBody { get; set; } = [];

    /// <summary>Every try at the upstream, in order; the last one served (or failed) the request.</summary>
    public List<Upstream.UpstreamAttempt> Attempts { get; } = new(1); // nearly every request is served by its first try

    /// <summary>Tries left after the current one: a 429/5xx is held back (not sent to the client) only while some remain.</summary>
    public int RetriesLeft { get; set; }

    /// <summary>The 429/5xx status of the current try when it was held back for a retry.</summary>
    public int? HeldBackStatus { get; set; }

    /// <summary>The path the upstream is sent, without the query string.</summary>
    public string UpstreamPath { get; set; } = "/";
    public bool ClientAskedForUsage { get; set; }

    /// <summary>Set when the gateway answered itself; the row is then an <c>error</c> row.</summary>
    public Refusal? Refusal { get; set; }

    /// <summary>When the first try was sent upstream (0 before): from then on, failed tries and the waits between them are upstream time.</summary>
    public long FirstUpstreamSentTimestamp { get; set; }
    public int? UpstreamStatus { get; set; }
    public bool IsEventStream { get; set; }
    public long? FirstContentTimestamp { get; set; }
    public IUsageReader? UsageReader { get; set; }
    public ResponseObserverStream? Observer { get; set; }
    public CountingTextSink? DeliveredText { get; set; }

    /// <summary>The upstream connection broke mid-stream (its body then reads as ended).</summary>
    public bool UpstreamReset { get; set; }

    /// <summary>The response ended early: client gone or upstream reset mid-body.</summary>
    public bool CutShort { get; set; }
    public string? CutShortReason { get; set; }
    /// <summary>What an error body (or a 2xx body that is not the route's JSON) says, bounded and masked.</summary>
    public string? UpstreamErrorText { get; set; }

    /// <summary>What a non-streamed 2xx body turned out to be.</summary>
    public BodyShape BodyShape { get; set; }

    public void MarkContent(TimeProvider clock) => FirstContentTimestamp ??= clock.GetTimestamp();
}
