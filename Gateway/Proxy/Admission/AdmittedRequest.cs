using Gateway.Auth;
using Gateway.Configuration;
using Metering.Ledger;
using Metering.Pricing;
using Metering.Usage;
using Gateway.Proxy.Pricing;

namespace Gateway.Proxy.Admission;

/// <summary>What admission learned of a request; a refused request keeps what was known by then, for its row.</summary>
internal sealed class AdmittedRequest
{
    public Caller? Caller { get; set; }

    /// <summary>The caller's group (ratio and rate limits), looked up once.</summary>
    public GroupOptions? Group { get; set; }
    public AccountState? Account { get; set; }
    public string? ClientIp { get; set; }

    /// <summary>The model asked for (or the per-call API's name).</summary>
    public string Model { get; set; } = "";
    public CatalogModel? CatalogModel { get; set; }
    public PriceSheet? Price { get; set; }

    /// <summary>What a unit-priced call asks for (images, characters, an estimate of search units); the upstream's report wins where it gives one.</summary>
    public BilledUnits? Units { get; set; }

    /// <summary>The model's tokenizer, looked up once when a model call is admitted (null for a per-call API).</summary>
    public TokenCounter? Tokenizer { get; set; }
    public byte[] RequestBody { get; set; } = [];

    /// <summary>The body as sent upstream (renamed model, usage requested); kept so a retry can resend it.</summary>
    public byte[] UpstreamBody { get; set; } = [];

    /// <summary>A multipart body forwarded as it arrives, instead of <see cref="UpstreamBody"/>: sent once, never retried.</summary>
    public Multipart.StreamedRequestBody? StreamedBody { get; set; }

    /// <summary>The path the upstream is sent, without the query string.</summary>
    public string UpstreamPath { get; set; } = "/";

    /// <summary>The query the upstream is sent; null: the client's own, as it came.</summary>
    public QueryString? UpstreamQuery { get; set; }
    public bool ClientAskedForUsage { get; set; }

    /// <summary>Set when the model's cluster speaks another wire format: the request went up translated, the answer comes back so.</summary>
    public Gateway.Translation.ChatTranslation? Translation { get; set; }
}
