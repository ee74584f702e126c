using Gateway.Configuration;
using Gateway.Proxy.StoredResponses;
using Gateway.Upstream;
using Metering.Pricing;
using Metering.Usage;
using Microsoft.Extensions.Options;
using Gateway.Proxy.Pricing;

namespace Gateway.Proxy.Admission;

/// <summary>Stage 3: what the caller asks for, at what price, and whether the account can pay; the upstream to send it to.</summary>
internal sealed class RequestAdmission(PriceCatalog catalog, ClusterDirectory clusters, StoredResponseAdmission storedResponses,
    Multipart.MultipartAdmission multipart, IOptions<GatewayOptions> options)
{
    /// <returns>The upstream to forward to, or null with <see cref="MeteringFeature.Refusal"/> set.</returns>
    public async ValueTask<UpstreamTarget?> AdmitAsync(HttpContext context, MeteringFeature feature)
    {
        if (feature.Route.Kind == EndpointKind.StoredResponse)
            return await storedResponses.AdmitAsync(context, feature);
        if (feature.Route.MultipartBody)
            return await multipart.AdmitAsync(context, feature);
        // A per-call API's name, path and price need no body: refused before a byte of it is read.
        var perCall = feature.Route.IsPerCall ? AdmitPerCall(context, feature) : null;
        if (feature.Refusal is not null)
            return null;
        var (body, unreadable) = await RequestBody.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted);
        if (unreadable is not null)
            return Refuse(feature, unreadable);
        feature.Admitted.RequestBody = feature.Admitted.UpstreamBody = body!;
        return perCall ?? AdmitModelCall(context, feature);
    }

    private UpstreamTarget? AdmitPerCall(HttpContext context, MeteringFeature feature)
    {
        var admitted = feature.Admitted;
        var api = context.Request.RouteValues["api"] as string ?? "";
        admitted.Model = ClientText.CutUtf8(api, ClientText.MaxModelBytes);
        if (admitted.Model.Length != api.Length)
            return Refuse(feature, Refusal.Malformed($"The per-call API name is longer than {ClientText.MaxModelBytes} UTF-8 bytes."));
        if (!admitted.Caller!.Policy.AllowsModel(api))
            return Refuse(feature, Refusal.ModelNotAllowed(admitted.Model));
        if (!catalog.TryGetPerCallApi(api, out var perCall) || clusters.Resolve(perCall.Cluster) is not { } target)
            return Refuse(feature, Refusal.ApiNotFound(api));
        if (PerCallPath.ToUpstream(context.Request.RouteValues["rest"] as string ?? "", out var badPath) is not { } path)
            return Refuse(feature, badPath!);
        admitted.UpstreamPath = path;
        admitted.Price = PriceSheet.PerCall(perCall.Price, admitted.Group!.Ratio);
        if (!CanPay(admitted))
            return Refuse(feature, Refusal.InsufficientBalance());
        return target;
    }

    private UpstreamTarget? AdmitModelCall(HttpContext context, MeteringFeature feature)
    {
        var admitted = feature.Admitted;
        var body = admitted.RequestBody;
        var route = feature.Route;
        Refusal? malformed;
        var request = route.ModelInPath
            ? ModelRequest.ParseWithPathModel(GeminiPath.Model(context), route.PathStreams, body, out malformed)
            : ModelRequest.Parse(body, out malformed);
        admitted.Model = request.Model; // at most 256 UTF-8 bytes, refused or not
        malformed ??= GeminiPath.CheckStreamQuery(route, context.Request);
        if (malformed is not null)
        {
            var contentType = context.Request.ContentType;
            if (contentType is not null && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
                malformed = malformed with { Message = $"{malformed.Message} The Content-Type was '{ClientText.CutChars(contentType, ClientText.MaxEchoChars)}'; send application/json." };
            return Refuse(feature, malformed);
        }

        if (!admitted.Caller!.Policy.AllowsModel(request.Model))
            return Refuse(feature, Refusal.ModelNotAllowed(request.Model));
        if (!catalog.TryGetModel(request.Model, out var model))
            return Refuse(feature, Refusal.ModelNotFound(request.Model));
        var target = clusters.Resolve(model.Cluster);
        // A cluster of another format serves the call only through a translation (chat ⇄ messages ⇄ generateContent).
        var translation = target is null ? null : RequestTranslation.For(route, target);
        if (target is not null && route.ModelInPath && route.Kind == EndpointKind.CountTokens && target.Dialect != route.Dialect)
            return Refuse(feature, GeminiPath.CountTokensUnsupported(request.Model));
        if (target is null || (target.Dialect != route.Dialect && translation is null))
            return Refuse(feature, Refusal.ModelNotFound(request.Model));
        admitted.CatalogModel = model;
        if (EndpointPricing.Price(route.Kind, model, admitted, body) is { } unpriced)
            return Refuse(feature, unpriced);

        if (!CanPay(admitted))
            return Refuse(feature, Refusal.InsufficientBalance());

        admitted.UpstreamPath = route.UpstreamPath!;
        admitted.UpstreamBody = request.RewriteForUpstream(model.UpstreamName, route.Format, body);
        if (route.ModelInPath)
            GeminiPath.Address(admitted, route, context.Request, model.UpstreamName);
        admitted.ClientAskedForUsage = request.ClientAskedForUsage;
        admitted.Tokenizer = TokenCounter.ForModel(admitted.Model);
        if (translation is not null && RequestTranslation.Apply(admitted, translation, model.UpstreamName, request.Stream) is { } untranslatable)
            return Refuse(feature, untranslatable);
        return target;
    }

    /// <summary>SPEC §5: refused when the balance is not above zero; what is in flight may overdraw it.</summary>
    private static bool CanPay(AdmittedRequest admitted) =>
        admitted.Account is { } account && new NanoUsd(account.BalanceNano).IsPositive;

    private static UpstreamTarget? Refuse(MeteringFeature feature, Refusal refusal)
    {
        feature.Refusal = refusal;
        return null;
    }
}
