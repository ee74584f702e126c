using System.Text.Json.Nodes;
using Metering.Usage;

namespace Gateway.Translation;

/// <summary>
/// One chat wire format, seen from OpenAI Chat Completions, the pivot every translation passes through:
/// how its requests and answers become OpenAI's (as a client's format) and how OpenAI's become its own (as
/// an upstream's). OpenAI's own entry translates nothing. Anthropic ⇄ Gemini is then two steps through
/// OpenAI's shape, with no third pair of translators to keep in step.
/// </summary>
internal sealed class ChatFormat
{
    public required WireFormat Wire { get; init; }

    /// <summary>The API's name in a refusal: "cannot be translated to the … API".</summary>
    public required string ApiName { get; init; }

    /// <summary>Where the upstream serves a call, from the model as it knows it and whether the call streams.</summary>
    public required Func<string, bool, string> Path { get; init; }

    /// <summary>As the client's format: its request as OpenAI's (upstream model, stream). Null for OpenAI.</summary>
    public Func<JsonObject, string, bool, JsonObject>? RequestToOpenAI { get; init; }

    /// <summary>As the upstream's format: an OpenAI request as its own (upstream model). Null for OpenAI.</summary>
    public Func<JsonObject, string, JsonObject>? RequestFromOpenAI { get; init; }

    /// <summary>As the upstream's format: its answer as an OpenAI <c>chat.completion</c> (created). Null for OpenAI.</summary>
    public Func<JsonObject, long, JsonObject>? ResponseToOpenAI { get; init; }

    /// <summary>As the client's format: an OpenAI <c>chat.completion</c> as its own answer. Null for OpenAI.</summary>
    public Func<JsonObject, JsonObject>? ResponseFromOpenAI { get; init; }

    /// <summary>As the upstream's format: its stream as OpenAI chunks (client asked for usage, created). Null for OpenAI.</summary>
    public Func<bool, long, IStreamTranslator>? StreamToOpenAI { get; init; }

    /// <summary>As the client's format: OpenAI chunks as its stream. Null for OpenAI.</summary>
    public Func<IStreamTranslator>? StreamFromOpenAI { get; init; }

    public bool IsPivot => Wire == WireFormat.OpenAIChat;

    public static readonly ChatFormat OpenAI = new()
    {
        Wire = WireFormat.OpenAIChat,
        ApiName = "OpenAI Chat Completions",
        Path = static (_, _) => ChatTranslation.OpenAIChatPath,
    };

    public static readonly ChatFormat Anthropic = new()
    {
        Wire = WireFormat.AnthropicMessages,
        ApiName = "Anthropic Messages",
        Path = static (_, _) => ChatTranslation.AnthropicMessagesPath,
        RequestToOpenAI = static (request, model, _) => AnthropicToOpenAIRequest.Translate(request, model),
        RequestFromOpenAI = OpenAIToAnthropicRequest.Translate,
        ResponseToOpenAI = AnthropicToOpenAIResponse.Translate,
        ResponseFromOpenAI = OpenAIToAnthropicResponse.Translate,
        StreamToOpenAI = static (usage, created) => new AnthropicToOpenAIStream(usage, created),
        StreamFromOpenAI = static () => new OpenAIToAnthropicStream(),
    };

    /// <summary>Gemini names the model and whether to stream in its path, not its body.</summary>
    public static readonly ChatFormat Gemini = new()
    {
        Wire = WireFormat.GeminiGenerateContent,
        ApiName = "Gemini generateContent",
        Path = GeminiTranslation.UpstreamPath,
        RequestToOpenAI = GeminiToOpenAIRequest.Translate,
        RequestFromOpenAI = static (request, _) => OpenAIToGeminiRequest.Translate(request),
        ResponseToOpenAI = GeminiToOpenAIResponse.Translate,
        ResponseFromOpenAI = OpenAIToGeminiResponse.Translate,
        StreamToOpenAI = static (usage, created) => new GeminiToOpenAIStream(usage, created),
        StreamFromOpenAI = static () => new OpenAIToGeminiStream(),
    };

    /// <returns>The chat format of a wire format, or null when it is not one of the three chat formats.</returns>
    public static ChatFormat? Of(WireFormat wire) => wire switch
    {
        WireFormat.OpenAIChat => OpenAI,
        WireFormat.AnthropicMessages => Anthropic,
        WireFormat.GeminiGenerateContent => Gemini,
        _ => null,
    };
}
