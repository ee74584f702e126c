using System.Buffers;
using Gateway.Configuration;
using Gateway.Proxy.Admission;
using Gateway.Upstream;
using Metering.Pricing;
using Metering.Usage;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Gateway.Proxy.Pricing;

namespace Gateway.Proxy.Multipart;

/// <summary>
/// Stage 3 for a multipart upload (image edits, transcriptions, translations): the body is read only as far as
/// its <c>model</c> field (SDKs may send it after the file: then that far, never past <c>Gateway:MaxRequestBodyBytes</c>);
/// the rest is forwarded as it arrives. Fields after the files (<c>n</c>, <c>size</c>, <c>response_format</c>) are
/// read on the way.
/// </summary>
internal sealed class MultipartAdmission(PriceCatalog catalog, ClusterDirectory clusters, IOptions<GatewayOptions> options)
{
    private const int ReadAheadChunk = 16 * 1024;

    public async ValueTask<UpstreamTarget?> AdmitAsync(HttpContext context, MeteringFeature feature)
    {
        var (request, admitted, limit) = (context.Request, feature.Admitted, options.Value.MaxRequestBodyBytes);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
            return Refuse(feature, Refusal.Malformed("This endpoint takes a multipart/form-data body with a boundary."));
        if (request.ContentLength > limit)
            return Refuse(feature, Refusal.TooLarge(limit));

        var form = new MultipartFormScanner(boundary);
        var readAhead = new ArrayBufferWriter<byte>(ReadAheadChunk);
        try
        {
            while (form.ModelValue is null && !form.Done && form.Error is null)
            {
                var read = await request.Body.ReadAsync(readAhead.GetMemory(ReadAheadChunk), context.RequestAborted);
                if (read == 0)
                    break;
                form.Append(readAhead.GetSpan()[..read]);
                readAhead.Advance(read);
                if (readAhead.WrittenCount > limit)
                    return Refuse(feature, Refusal.TooLarge(limit));
            }
        }
        catch (BadHttpRequestException ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            return Refuse(feature, Refusal.Malformed($"The request body could not be read: {ex.Message}"));
        }
        if (form.Error is { } error)
            return Refuse(feature, Refusal.Malformed($"The multipart body is malformed: {error}."));
        var model = form.Fields.GetValueOrDefault(MultipartFormScanner.ModelField);
        admitted.Model = model is null ? "" : ClientText.CutUtf8(model, ClientText.MaxModelBytes);
        if (form.ModelValue is null || string.IsNullOrEmpty(model))
            return Refuse(feature, Refusal.Malformed(form.Fields.ContainsKey(MultipartFormScanner.ModelField)
                ? $"'model' must be a non-empty string of at most {ClientText.MaxModelBytes} UTF-8 bytes."
                : "Missing required parameter: 'model'."));

        if (!admitted.Caller!.Policy.AllowsModel(model))
            return Refuse(feature, Refusal.ModelNotAllowed(admitted.Model));
        if (!catalog.TryGetModel(model, out var entry) || clusters.Resolve(entry.Cluster) is not { } target || target.Dialect != feature.Route.Dialect)
            return Refuse(feature, Refusal.ModelNotFound(model));
        admitted.CatalogModel = entry;
        if (EndpointPricing.Price(feature.Route.Kind, entry, admitted, EndpointFields.FromForm(form.Fields)) is { } unpriced)
            return Refuse(feature, unpriced);
        if (admitted.Account is not { } account || !new NanoUsd(account.BalanceNano).IsPositive)
            return Refuse(feature, Refusal.InsufficientBalance());

        var sent = Renamed(readAhead.WrittenMemory, form.ModelValue.Value, model, entry.UpstreamName);
        var length = request.ContentLength + (sent.Length - readAhead.WrittenCount);
        admitted.StreamedBody = new StreamedRequestBody(
            new MultipartRequestBody(sent, request.Body, form, readAhead.WrittenCount, limit,
                () => EndpointPricing.AfterTheFiles(feature.Route.Kind, entry, form.Fields.GetValueOrDefault(MultipartFormScanner.ResponseFormatField)),
                refusal => feature.Refusal ??= refusal),
            length, form);
        admitted.UpstreamPath = feature.Route.UpstreamPath!;
        admitted.Tokenizer = TokenCounter.ForModel(model);
        return target;
    }

    /// <summary>The read-ahead with the model field's value replaced by the upstream's name for it.</summary>
    private static ReadOnlyMemory<byte> Renamed(ReadOnlyMemory<byte> readAhead, Range value, string model, string upstreamName)
    {
        if (upstreamName == model)
            return readAhead;
        var (start, end) = (value.Start.Value, value.End.Value);
        return (byte[])[.. readAhead.Span[..start], .. System.Text.Encoding.UTF8.GetBytes(upstreamName), .. readAhead.Span[end..]];
    }

    private static UpstreamTarget? Refuse(MeteringFeature feature, Refusal refusal)
    {
        feature.Refusal = refusal;
        return null;
    }
}
