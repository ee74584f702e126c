namespace Gateway.Proxy;

/// <summary>What a client route does: decides how its request is read and how its row is priced (SPEC §12).</summary>
internal enum EndpointKind
{
    /// <summary>A model call priced by its tokens (or per call): chat, completions, responses, embeddings, messages, moderations.</summary>
    Tokens,

    /// <summary>A per-call API under <c>/apis/</c>: priced per successful call, its body never read.</summary>
    PerCallApi,

    /// <summary>Anthropic's token counting: forwarded to the model's cluster, never charged.</summary>
    CountTokens,

    /// <summary>Image generations: per image by size and quality, by tokens (gpt-image-1 reports them) or per call.</summary>
    Images,

    /// <summary>Text to speech: per character of the input, or per call; the answer is audio, streamed through unread.</summary>
    Speech,

    /// <summary>Transcriptions and translations: per second of audio or by tokens, as the upstream reports them, or per call.</summary>
    AudioInput,

    /// <summary>Rerank: per search unit (Cohere), by tokens (Jina), or per call.</summary>
    Rerank,

    /// <summary>A stored response (retrieve, delete, cancel, input items): to its creator's cluster, for its creator only, never charged.</summary>
    StoredResponse,
}
