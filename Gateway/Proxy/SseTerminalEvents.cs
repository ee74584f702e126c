namespace Gateway.Proxy;

/// <summary>
/// Named SSE events after which a stream is complete for its client (OpenAI's <c>data: [DONE]</c> is
/// recognised by the usage reader). These are held until the row commits.
/// </summary>
internal static class SseTerminalEvents
{
    private static readonly byte[][] Names =
    [
        "message_stop"u8.ToArray(),          // Anthropic messages
        "response.completed"u8.ToArray(),    // OpenAI responses
        "response.incomplete"u8.ToArray(),
        "response.failed"u8.ToArray(),
    ];

    public static bool IsTerminal(ReadOnlySpan<byte> eventName)
    {
        foreach (var name in Names)
            if (eventName.SequenceEqual(name))
                return true;
        return false;
    }
}
