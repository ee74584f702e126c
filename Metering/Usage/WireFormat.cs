namespace Metering.Usage;

/// <summary>The upstream dialect a request speaks; picks the usage reader.</summary>
public enum WireFormat
{
    OpenAIChat,
    OpenAICompletions,
    OpenAIResponses,
    OpenAIEmbeddings,
    AnthropicMessages,

    /// <summary>Image generations and edits (OpenAI).</summary>
    OpenAIImages,

    /// <summary>Audio transcriptions and translations (OpenAI): a JSON or text answer about uploaded audio.</summary>
    OpenAIAudioInput,

    /// <summary>Rerank, in Cohere's or Jina's shape.</summary>
    Rerank,

    /// <summary>Google's native <c>generateContent</c> / <c>streamGenerateContent?alt=sse</c>.</summary>
    GeminiGenerateContent,
}
