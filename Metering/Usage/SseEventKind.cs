namespace Metering.Usage;

/// <summary>What a streamed event was, as far as the gateway cares.</summary>
public enum SseEventKind
{
    /// <summary>Anything else: role-only or finish chunks, pings, lifecycle events, unknown or malformed data.</summary>
    Other = 0,

    /// <summary>Carries generated content (a text, tool-call, refusal or reasoning delta); marks first token.</summary>
    Content,

    /// <summary>
    /// An OpenAI chat/completions chunk with no choices that carries <c>usage</c>: the one
    /// <c>stream_options.include_usage</c> adds, which the gateway withholds from clients that did not ask.
    /// </summary>
    UsageOnly,

    /// <summary>OpenAI's <c>data: [DONE]</c> terminator.</summary>
    Done,
}
