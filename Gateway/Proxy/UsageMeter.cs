using Metering.Ledger;
using Metering.Logs;
using Metering.Pricing;
using Metering.Usage;

namespace Gateway.Proxy;

/// <summary>
/// Stages 5–7: the feature's observations become usage, usage becomes spend, and spend one row that
/// is committed (with the balance debit) before the response is allowed to complete.
/// </summary>
internal sealed class UsageMeter(LedgerAppender ledger, KeyRateLimiter rateLimiter, Observability.GatewayMetrics metrics, TimeProvider clock)
{
    public const string UsageFromUpstream = "upstream";
    public const string UsageCounted = "counted";

    /// <summary>Builds the row and hands it to the writer.</summary>
    /// <returns>Completes once the row and its debit are committed; faults when they could not be.</returns>
    public Task<long> RecordAsync(HttpContext context, MeteringFeature feature)
    {
        var row = BuildRow(context, feature);
        rateLimiter.RecordTokens(feature.Caller!.KeyId, row.InputTokens + row.OutputTokens);
        metrics.Record(row, feature.Attempts.Count, inCatalog: feature.Price is not null);
        return ledger.AppendAsync(row);
    }

    private LogRecord BuildRow(HttpContext context, MeteringFeature feature)
    {
        // A 2xx that is not the route's JSON at all (a proxy's HTML page) served nothing: an error row, spend 0.
        var served = feature.Refusal is null && feature.UpstreamStatus is >= 200 and < 400 && feature.BodyShape != BodyShape.NotJson;
        var (usage, source) = served ? MeasureUsage(feature) : (TokenUsage.Zero, null);
        var price = feature.Price;
        var spend = served && price is not null ? SpendCalculator.Calculate(usage, price) : 0m;
        var caller = feature.Caller!;
        return new LogRecord
        {
            RequestId = feature.RequestId,
            TimeMs = feature.ArrivalUnixMs,
            Type = served ? LogType.Consume : LogType.Error,
            AccountId = caller.AccountId,
            KeyId = caller.KeyId,
            TokenName = caller.TokenName,
            Grp = caller.Group,
            Model = feature.Model,
            Path = ClientText.CutUtf8(context.Request.Path.Value ?? "", ClientText.MaxPathBytes),
            Status = feature.Refusal?.Status ?? context.Response.StatusCode,
            Stream = feature.IsEventStream,
            DurationMs = (long)Math.Round(clock.GetElapsedTime(feature.ArrivalTimestamp).TotalMilliseconds),
            FirstTokenMs = feature.IsEventStream && feature.FirstContentTimestamp is { } first
                ? (long)Math.Round(clock.GetElapsedTime(feature.ArrivalTimestamp, first).TotalMilliseconds)
                : null,
            InputTokens = usage.InputTokens,
            OutputTokens = usage.OutputTokens,
            CachedTokens = usage.CachedTokens,
            CacheWriteTokens = usage.CacheWriteTokens,
            SpendNano = NanoUsd.FromUsd(spend),
            Ip = feature.Account is { RecordIp: true } ? feature.ClientIp : null,
            Message = Message(feature) is { } message ? ClientText.CutChars(message, ClientText.MaxMessageChars) : null,
            Details = Details(feature, price, source, served).ToJson(),
        };
    }

    private static (TokenUsage, string?) MeasureUsage(MeteringFeature feature)
    {
        if (feature.Route.Format is not { } format)
            return (TokenUsage.Zero, null); // a per-call API: no tokens to speak of
        if (feature.UsageReader?.Usage is { } reported)
        {
            // Cut short, an upstream report may be partial (Anthropic's message_start carries a
            // placeholder output count): never bill less output than was delivered.
            if (feature.CutShort && feature.DeliveredText is { } delivered && delivered.Tokens > reported.OutputTokens)
                reported = reported with { OutputTokens = delivered.Tokens };
            return (reported, UsageFromUpstream);
        }
        // No report (or the stream ended before it came): count what was asked and what was delivered.
        var counter = TokenCounter.ForModel(feature.Model);
        var prompt = PromptTokenCounter.CountPrompt(format, feature.RequestBody, counter);
        var output = feature.DeliveredText?.Tokens ?? 0;
        return (new TokenUsage(prompt, output), UsageCounted);
    }

    private static string? Message(MeteringFeature feature) =>
        feature.Refusal?.Message
        ?? (feature.UpstreamStatus is >= 400 ? $"upstream answered {feature.UpstreamStatus}: {feature.UpstreamErrorText}" : null)
        ?? (feature.BodyShape == BodyShape.NotJson ? $"upstream answered {feature.UpstreamStatus} with a body that is not JSON: {feature.UpstreamErrorText}" : null)
        ?? feature.CutShortReason;

    private static LogDetails Details(MeteringFeature feature, PriceSheet? price, string? source, bool served)
    {
        // Ratios and per-1M prices describe token pricing; a per-call price has none of them.
        var tokens = price?.PricePerCall is null ? price : null;
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
            Completed = served ? !feature.CutShort : null,
            UpstreamModel = feature.CatalogModel is { } m && m.UpstreamName != m.Name ? m.UpstreamName : null,
            Attempts = feature.Attempts.Count > 1
                ? feature.Attempts.Select(a => new AttemptDetail(a.Destination, a.Status, a.Error == Yarp.ReverseProxy.Forwarder.ForwarderError.None ? null : a.Error.ToString())).ToArray()
                : null,
        };
    }
}
