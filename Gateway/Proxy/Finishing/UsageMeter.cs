using Gateway.Proxy.Admission;
using Gateway.Proxy.Forwarding;
using Metering.Ledger;
using Metering.Logs;
using Metering.Pricing;
using Metering.Usage;
using Gateway.Proxy.RateLimits;
using Gateway.Proxy.Pricing;

namespace Gateway.Proxy.Finishing;

/// <summary>
/// Stages 5–7: the feature's observations become usage, usage becomes spend, and spend one row that
/// is committed (with the balance debit) before the response is allowed to complete.
/// </summary>
internal sealed class UsageMeter(LedgerAppender ledger, IKeyRateLimits rateLimits, Observability.GatewayMetrics metrics,
    StoredResponses.ResponseOwnership responses, TimeProvider clock)
{
    public const string UsageFromUpstream = "upstream";
    public const string UsageCounted = "counted";

    /// <summary>Units taken from the request (images asked for, characters sent), where the upstream reports none.</summary>
    public const string UsageFromRequest = "request";

    /// <summary>Builds the row and hands it to the writer.</summary>
    /// <returns>Completes once the row and its debit are committed; faults when they could not be.</returns>
    public Task<long> RecordAsync(HttpContext context, MeteringFeature feature)
    {
        var row = BuildRow(context, feature);
        var tokensRecorded = rateLimits.RecordTokensAsync(feature.Admitted.Caller!.KeyId, feature.Admitted.Group!, row.InputTokens + row.OutputTokens);
        metrics.Record(row, feature.Forwarded.Attempts.Count, inCatalog: feature.Admitted.Price is not null);
        var committed = ledger.AppendAsync(row);
        // Shared windows (Redis): the response completes only once its tokens count on every instance.
        return tokensRecorded.IsCompletedSuccessfully ? committed : AfterTokensAsync(tokensRecorded, committed);
    }

    private static async Task<long> AfterTokensAsync(ValueTask tokensRecorded, Task<long> committed)
    {
        await tokensRecorded;
        return await committed;
    }

    private LogRecord BuildRow(HttpContext context, MeteringFeature feature)
    {
        var (admitted, forwarded) = (feature.Admitted, feature.Forwarded);
        // A 2xx that is not the route's JSON at all (a proxy's HTML page) served nothing: an error row, spend 0.
        var served = feature.Refusal is null && forwarded.UpstreamStatus is >= 200 and < 400 && forwarded.BodyShape != BodyShape.NotJson;
        responses.Note(feature, context, served);
        var (usage, source) = served ? MeasureUsage(feature) : (TokenUsage.Zero, null);
        if (served)
            PriceLateFormFields(feature);
        var price = admitted.Price;
        var units = served && price?.Unit is not null ? BilledUnitsOf(feature, ref source) : null;
        var spend = !served || price is null ? NanoUsd.Zero
            : price.Unit is null ? SpendCalculator.Calculate(usage, price)
            : units is null ? NanoUsd.Zero
            : SpendCalculator.Calculate(units, price);
        var caller = admitted.Caller!;
        return new LogRecord
        {
            RequestId = feature.RequestId,
            TimeMs = feature.ArrivalUnixMs,
            Type = served ? LogType.Consume : LogType.Error,
            AccountId = caller.AccountId,
            KeyId = caller.KeyId,
            TokenName = caller.TokenName,
            Grp = caller.Group,
            Model = admitted.Model,
            Path = ClientText.CutUtf8(context.Request.Path.Value ?? "", ClientText.MaxPathBytes),
            Status = feature.Refusal?.Status ?? context.Response.StatusCode,
            Stream = forwarded.IsEventStream,
            DurationMs = (long)Math.Round(clock.GetElapsedTime(feature.ArrivalTimestamp).TotalMilliseconds),
            FirstTokenMs = forwarded.IsEventStream && forwarded.FirstContentTimestamp is { } first
                ? (long)Math.Round(clock.GetElapsedTime(feature.ArrivalTimestamp, first).TotalMilliseconds)
                : null,
            InputTokens = usage.InputTokens,
            OutputTokens = usage.OutputTokens,
            CachedTokens = usage.CachedTokens,
            CacheWriteTokens = usage.CacheWriteTokens,
            SpendNano = spend.Value,
            Ip = admitted.Account is { RecordIp: true } ? admitted.ClientIp : null,
            Message = (Message(feature.Refusal, forwarded) ?? (served && price?.Unit is { } unit && units is null ? NoUnitsReported(unit) : null)) is { } message
                ? ClientText.CutChars(message, ClientText.MaxMessageChars)
                : null,
            Details = Details(admitted, forwarded, price, units, source, served).ToJson(),
        };
    }

    private static (TokenUsage, string?) MeasureUsage(MeteringFeature feature)
    {
        var forwarded = feature.Forwarded;
        if (feature.Route.Format is not { } format)
            return (TokenUsage.Zero, null); // a per-call API: no tokens to speak of
        if (forwarded.UsageReader?.Usage is { } reported)
        {
            // Cut short, an upstream report may be partial (Anthropic's message_start carries a
            // placeholder output count): never bill less output than was delivered.
            if (forwarded.CutShort && forwarded.DeliveredText is { } delivered && delivered.Tokens > reported.OutputTokens)
                reported = reported with { OutputTokens = delivered.Tokens };
            return (reported, UsageFromUpstream);
        }
        // No report (or the stream ended before it came): count what was asked and what was delivered.
        var prompt = PromptTokenCounter.CountPrompt(format, feature.Admitted.RequestBody, feature.Admitted.Tokenizer!);
        var output = forwarded.DeliveredText?.Tokens ?? 0;
        return (new TokenUsage(prompt, output), UsageCounted);
    }

    /// <summary>
    /// The units a unit-priced call is billed for: the upstream's own report when it gives one in the price's
    /// unit (seconds of audio, Cohere's search units), else what the request asked for (images, characters,
    /// Cohere's rule for search units).
    /// </summary>
    private static BilledUnits? BilledUnitsOf(MeteringFeature feature, ref string? source)
    {
        var unit = feature.Admitted.Price!.Unit;
        if (feature.Forwarded.UsageReader is IBilledUnitsSource { Units: { } reported } && reported.Unit == unit)
        {
            source = UsageFromUpstream;
            return reported;
        }
        source = feature.Admitted.Units is null ? null : UsageFromRequest;
        return feature.Admitted.Units;
    }

    /// <summary>
    /// An image edit's <c>n</c>, <c>size</c> and <c>quality</c> may follow its files: they were read as the body
    /// passed, and price the call now. A size that has no price was never admitted before the files and
    /// keeps the price it was admitted at.
    /// </summary>
    private static void PriceLateFormFields(MeteringFeature feature)
    {
        var admitted = feature.Admitted;
        if (feature.Route.Kind == EndpointKind.Images && admitted.StreamedBody?.Form is { Done: true } form && admitted.CatalogModel is { ImagePrices: not null } model)
        {
            var (price, units) = (admitted.Price, admitted.Units);
            if (Admission.EndpointPricing.Price(EndpointKind.Images, model, admitted, Admission.EndpointFields.FromForm(form.Fields)) is not null)
                (admitted.Price, admitted.Units) = (price, units);
        }
    }

    // Billing a guess would be worse: the operator sees every such row by its message.
    private static string NoUnitsReported(string unit) =>
        $"served, but the upstream reported no {unit} count to bill; nothing was charged";

    private static string? Message(Refusal? refusal, ForwardedResponse forwarded) =>
        refusal?.Message
        ?? (forwarded.UpstreamStatus is >= 400 ? $"upstream answered {forwarded.UpstreamStatus}: {forwarded.UpstreamErrorText}" : null)
        ?? (forwarded.BodyShape == BodyShape.NotJson ? $"upstream answered {forwarded.UpstreamStatus} with a body that is not JSON: {forwarded.UpstreamErrorText}" : null)
        ?? forwarded.CutShortReason;

    private static LogDetails Details(AdmittedRequest admitted, ForwardedResponse forwarded, PriceSheet? price, BilledUnits? units, string? source, bool served)
    {
        // Ratios and per-1M prices describe token pricing; a per-call or per-unit price has none of them.
        var tokens = price?.PricePerCall is null && price?.Unit is null ? price : null;
        var responseId = served ? (forwarded.UsageReader as IResponseIdSource)?.ResponseId : null;
        return new LogDetails
        {
            ModelRatio = tokens?.ModelRatio,
            CompletionRatio = tokens?.CompletionRatio,
            CacheRatio = tokens?.CacheRatio,
            CacheWriteRatio = tokens?.CacheWriteRatio,
            GroupRatio = price?.GroupRatio,
            Price = price?.PricePerCall,
            InputPricePer1M = tokens?.InputPricePer1M,
            OutputPricePer1M = tokens?.OutputPricePer1M,
            UsageSource = source,
            Unit = price?.Unit,
            Units = units?.Quantity,
            UnitPrice = price?.UnitPrice,
            Completed = served ? !forwarded.CutShort : null,
            UpstreamModel = admitted.CatalogModel is { } m && m.UpstreamName != m.Name ? m.UpstreamName : null,
            ResponseId = responseId,
            Cluster = forwarded.Attempts.Count == 0 ? null : admitted.CatalogModel?.Cluster,
            Destination = forwarded.Attempts.Count == 0 ? null : forwarded.Attempts[^1].Destination,
            Attempts = forwarded.Attempts.Count > 1
                ? forwarded.Attempts.Select(a => new AttemptDetail(a.Destination, a.Status, a.Error == Yarp.ReverseProxy.Forwarder.ForwarderError.None ? null : a.Error.ToString())).ToArray()
                : null,
        };
    }
}
