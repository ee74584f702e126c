using System.Text.Json.Nodes;
using Metering.Usage;

namespace Gateway.Translation;

/// <summary>
/// One pair of chat wire formats, client side and upstream side, and the translators between them: the
/// request on its way up, the response (a JSON body, or a stream event by event) on its way back. A pair
/// without OpenAI on either side (Anthropic ⇄ Gemini) goes through OpenAI's shape (<see cref="ChatFormat"/>).
/// </summary>
internal sealed class ChatTranslation
{
    public const string OpenAIChatPath = "/v1/chat/completions";
    public const string AnthropicMessagesPath = "/v1/messages";

    public static readonly ChatTranslation OpenAIToAnthropic = new(ChatFormat.OpenAI, ChatFormat.Anthropic);
    public static readonly ChatTranslation AnthropicToOpenAI = new(ChatFormat.Anthropic, ChatFormat.OpenAI);

    private static readonly ChatFormat[] Formats = [ChatFormat.OpenAI, ChatFormat.Anthropic, ChatFormat.Gemini];
    private static readonly Dictionary<(WireFormat, WireFormat), ChatTranslation> Pairs = Formats
        .SelectMany(client => Formats.Where(upstream => upstream != client).Select(upstream => (client, upstream)))
        .ToDictionary(pair => (pair.client.Wire, pair.upstream.Wire), pair =>
            pair.client.IsPivot && pair.upstream == ChatFormat.Anthropic ? OpenAIToAnthropic
            : pair.client == ChatFormat.Anthropic && pair.upstream.IsPivot ? AnthropicToOpenAI
            : new ChatTranslation(pair.client, pair.upstream));

    private readonly ChatFormat _client;
    private readonly ChatFormat _upstream;

    private ChatTranslation(ChatFormat client, ChatFormat upstream) => (_client, _upstream) = (client, upstream);

    public WireFormat Client => _client.Wire;

    /// <summary>The upstream's format: its response is metered with this format's usage reader.</summary>
    public WireFormat Upstream => _upstream.Wire;

    /// <returns>The translation from a client's format to an upstream's, or null when none is needed or none exists.</returns>
    public static ChatTranslation? Between(WireFormat client, WireFormat upstream) => Pairs.GetValueOrDefault((client, upstream));

    /// <summary>Where the upstream serves this call (Gemini's path names the model and whether it streams).</summary>
    public string UpstreamPath(string upstreamModel, bool stream) => _upstream.Path(upstreamModel, stream);

    /// <summary>The client's request in the upstream's format, naming the model as the upstream knows it.</summary>
    /// <param name="stream">Whether the call streams: Gemini says so in its path, the others in their body.</param>
    /// <returns>The body, or a refusal (a 400 in the client's format): a feature the upstream cannot express, or a shape the client's API does not allow.</returns>
    public TranslatedRequest TranslateRequest(ReadOnlySpan<byte> body, string upstreamModel, bool stream = false) =>
        TranslationBoundary.Request(body, request => TranslateRequest(request, upstreamModel, stream), clientAskedForUsage: _client.IsPivot);

    private JsonObject TranslateRequest(JsonObject request, string upstreamModel, bool stream)
    {
        if (_client.RequestToOpenAI is not { } toOpenAI)
            return _upstream.RequestFromOpenAI!(request, upstreamModel);
        JsonObject openAI;
        try
        {
            openAI = toOpenAI(request, upstreamModel, stream);
        }
        catch (UntranslatableException ex) when (!_upstream.IsPivot)
        {
            // The pivot is ours, not the client's business: the refusal names the API that serves the model.
            throw new UntranslatableException(ex.Feature, _upstream.ApiName);
        }
        return _upstream.RequestFromOpenAI is { } fromOpenAI ? fromOpenAI(openAI, upstreamModel) : openAI;
    }

    /// <summary>A whole JSON answer in the client's format.</summary>
    /// <param name="createdUnixSeconds">OpenAI's <c>created</c>, which the other formats do not send.</param>
    /// <returns>Null when the body is not the answer the upstream's format promises (it then cannot be translated).</returns>
    public byte[]? TranslateResponse(ReadOnlySpan<byte> json, long createdUnixSeconds) => TranslationBoundary.Response(json, response =>
    {
        var openAI = _upstream.ResponseToOpenAI is { } toOpenAI ? toOpenAI(response, createdUnixSeconds) : response;
        return _client.ResponseFromOpenAI is { } fromOpenAI ? fromOpenAI(openAI) : openAI;
    });

    /// <param name="clientAskedForUsage">An OpenAI client's <c>stream_options.include_usage</c>: whether it gets the usage chunk.</param>
    public IStreamTranslator NewStream(bool clientAskedForUsage, long createdUnixSeconds) => TranslationBoundary.Stream(
        _client.IsPivot ? _upstream.StreamToOpenAI!(clientAskedForUsage, createdUnixSeconds)
        : _upstream.IsPivot ? _client.StreamFromOpenAI!()
        // The client's events carry usage (Anthropic's message_delta, Gemini's usageMetadata): the pivot asks for it.
        : new PivotStream(_upstream.StreamToOpenAI!(true, createdUnixSeconds), _client.StreamFromOpenAI!()));
}
