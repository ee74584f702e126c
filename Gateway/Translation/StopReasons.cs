namespace Gateway.Translation;

/// <summary>
/// Why generation stopped, each way. Anthropic: <c>end_turn</c>, <c>max_tokens</c>, <c>stop_sequence</c>,
/// <c>tool_use</c>, <c>pause_turn</c>, <c>refusal</c>, <c>model_context_window_exceeded</c>. OpenAI:
/// <c>stop</c>, <c>length</c>, <c>tool_calls</c>, <c>content_filter</c>, <c>function_call</c>.
/// </summary>
internal static class StopReasons
{
    public static string? AnthropicToOpenAI(string? reason) => reason switch
    {
        null => null,
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop", // end_turn, stop_sequence, pause_turn: the model stopped on its own
    };

    public static string OpenAIToAnthropic(string? reason) => reason switch
    {
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn", // OpenAI does not say whether a stop sequence ended it
    };
}
