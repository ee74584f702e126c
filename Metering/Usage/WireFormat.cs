namespace Metering.Usage;

/// <summary>The upstream dialect a request speaks; picks the usage reader.</summary>
public enum WireFormat
{
    OpenAIChat,
    OpenAICompletions,
    OpenAIResponses,
    OpenAIEmbeddings,
    AnthropicMessages,
}
