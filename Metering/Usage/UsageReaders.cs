namespace Metering.Usage;

/// <summary>Creates the usage reader for a wire format.</summary>
public static class UsageReaders
{
    /// <param name="format">The upstream dialect of the response.</param>
    /// <param name="outputText">Receives the delivered output text, for counting when no usage is reported.</param>
    public static IUsageReader Create(WireFormat format, ITextSink? outputText = null) => format switch
    {
        WireFormat.OpenAIChat => new OpenAIChatUsageReader(outputText),
        WireFormat.OpenAICompletions => new OpenAICompletionsUsageReader(outputText),
        WireFormat.OpenAIResponses => new OpenAIResponsesUsageReader(outputText),
        WireFormat.OpenAIEmbeddings => new OpenAIEmbeddingsUsageReader(),
        WireFormat.AnthropicMessages => new AnthropicMessagesUsageReader(outputText),
        WireFormat.OpenAIImages => new OpenAIImagesUsageReader(),
        WireFormat.OpenAIAudioInput => new OpenAIAudioUsageReader(),
        WireFormat.Rerank => new RerankUsageReader(),
        WireFormat.GeminiGenerateContent => new GeminiUsageReader(outputText),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown wire format."),
    };
}
