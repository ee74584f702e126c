using Metering.Usage;

namespace Gateway.Translation;

/// <summary>
/// One pair of chat wire formats, client side and upstream side, and the translators between them: the
/// request on its way up, the response (a JSON body, or a stream event by event) on its way back.
/// </summary>
internal sealed class ChatTranslation
{
    public const string OpenAIChatPath = "/v1/chat/completions";
    public const string AnthropicMessagesPath = "/v1/messages";

    public static readonly ChatTranslation OpenAIToAnthropic = new(WireFormat.OpenAIChat, WireFormat.AnthropicMessages, AnthropicMessagesPath);
    public static readonly ChatTranslation AnthropicToOpenAI = new(WireFormat.AnthropicMessages, WireFormat.OpenAIChat, OpenAIChatPath);

    private ChatTranslation(WireFormat client, WireFormat upstream, string upstreamPath) =>
        (Client, Upstream, UpstreamPath) = (client, upstream, upstreamPath);

    public WireFormat Client { get; }

    /// <summary>The upstream's format: its response is metered with this format's usage reader.</summary>
    public WireFormat Upstream { get; }

    /// <summary>Where the upstream serves this format.</summary>
    public string UpstreamPath { get; }

    /// <returns>The translation from a client's format to an upstream's, or null when none is needed or none exists.</returns>
    public static ChatTranslation? Between(WireFormat client, WireFormat upstream) => (client, upstream) switch
    {
        (WireFormat.OpenAIChat, WireFormat.AnthropicMessages) => OpenAIToAnthropic,
        (WireFormat.AnthropicMessages, WireFormat.OpenAIChat) => AnthropicToOpenAI,
        _ => null,
    };

    private bool ClientIsOpenAI => Client == WireFormat.OpenAIChat;

    /// <summary>The client's request in the upstream's format, naming the model as the upstream knows it.</summary>
    /// <returns>The body, or a refusal (a 400 in the client's format): a feature the upstream cannot express, or a shape the client's API does not allow.</returns>
    public TranslatedRequest TranslateRequest(ReadOnlySpan<byte> body, string upstreamModel) => TranslationBoundary.Request(body, request => ClientIsOpenAI
        ? OpenAIToAnthropicRequest.Translate(request, upstreamModel)
        : AnthropicToOpenAIRequest.Translate(request, upstreamModel), clientAskedForUsage: ClientIsOpenAI);

    /// <summary>A whole JSON answer in the client's format.</summary>
    /// <param name="createdUnixSeconds">OpenAI's <c>created</c>, which Anthropic does not send.</param>
    /// <returns>Null when the body is not the answer the upstream's format promises (it then cannot be translated).</returns>
    public byte[]? TranslateResponse(ReadOnlySpan<byte> json, long createdUnixSeconds) => TranslationBoundary.Response(json, response => ClientIsOpenAI
        ? AnthropicToOpenAIResponse.Translate(response, createdUnixSeconds)
        : OpenAIToAnthropicResponse.Translate(response));

    /// <param name="clientAskedForUsage">An OpenAI client's <c>stream_options.include_usage</c>: whether it gets the usage chunk.</param>
    public IStreamTranslator NewStream(bool clientAskedForUsage, long createdUnixSeconds) => TranslationBoundary.Stream(ClientIsOpenAI
        ? new AnthropicToOpenAIStream(clientAskedForUsage, createdUnixSeconds)
        : new OpenAIToAnthropicStream());
}
