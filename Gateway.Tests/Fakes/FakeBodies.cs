using System.Text.Json.Nodes;

namespace Gateway.Tests.Fakes;

/// <summary>Non-streamed response bodies in each wire format, shaped like the real providers'.</summary>
internal static class FakeBodies
{
    public static string Text(FakeBehavior b) => string.Concat(Enumerable.Repeat(b.Reply, b.Repeat));

    public static JsonObject OpenAIUsage(FakeBehavior b) => new()
    {
        ["prompt_tokens"] = b.PromptTokens,
        ["completion_tokens"] = b.CompletionTokens,
        ["total_tokens"] = b.PromptTokens + b.CompletionTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = b.CachedTokens },
    };

    public static JsonObject AnthropicUsage(FakeBehavior b) => new()
    {
        // Anthropic's input_tokens excludes cache reads and writes.
        ["input_tokens"] = b.PromptTokens - b.CachedTokens - b.CacheWriteTokens,
        ["cache_read_input_tokens"] = b.CachedTokens,
        ["cache_creation_input_tokens"] = b.CacheWriteTokens,
        ["output_tokens"] = b.CompletionTokens,
    };

    /// <summary>The function a request with <c>tools</c> is answered with, and its long arguments (~6 KB of JSON).</summary>
    public const string ToolName = "write_report";

    public static string ToolArguments(FakeBehavior b) => new JsonObject { ["title"] = "Plan", ["body"] = Text(b), ["sections"] = 60 }.ToJsonString();

    public static JsonObject ChatCompletion(string model, FakeBehavior b, bool tools = false) => WithUsage(new JsonObject
    {
        ["id"] = "chatcmpl-fake",
        ["object"] = "chat.completion",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = tools
                ? new JsonObject
                {
                    ["role"] = "assistant", ["content"] = null,
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["id"] = "call_fake", ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = ToolName, ["arguments"] = ToolArguments(b) },
                    }),
                }
                : new JsonObject { ["role"] = "assistant", ["content"] = Text(b) },
            ["finish_reason"] = tools ? "tool_calls" : "stop",
        }),
    }, b, OpenAIUsage(b));

    public static JsonObject Completion(string model, FakeBehavior b) => WithUsage(new JsonObject
    {
        ["id"] = "cmpl-fake",
        ["object"] = "text_completion",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = Text(b), ["finish_reason"] = "stop" }),
    }, b, OpenAIUsage(b));

    public static JsonObject Embeddings(string model, FakeBehavior b) => WithUsage(new JsonObject
    {
        ["object"] = "list",
        ["model"] = model,
        ["data"] = new JsonArray(new JsonObject { ["object"] = "embedding", ["index"] = 0, ["embedding"] = new JsonArray(0.1, -0.2, 0.3) }),
    }, b, new JsonObject { ["prompt_tokens"] = b.PromptTokens, ["total_tokens"] = b.PromptTokens });

    public static JsonObject Response(string model, FakeBehavior b) => WithUsage(new JsonObject
    {
        ["id"] = "resp_fake",
        ["object"] = "response",
        ["created_at"] = 1_700_000_000,
        ["status"] = "completed",
        ["model"] = model,
        ["output"] = new JsonArray(new JsonObject
        {
            ["type"] = "message",
            ["id"] = "msg_fake",
            ["status"] = "completed",
            ["role"] = "assistant",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = Text(b), ["annotations"] = new JsonArray() }),
        }),
    }, b, ResponsesUsage(b));

    public static JsonObject ResponsesUsage(FakeBehavior b) => new()
    {
        ["input_tokens"] = b.PromptTokens,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = b.CachedTokens },
        ["output_tokens"] = b.CompletionTokens,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
        ["total_tokens"] = b.PromptTokens + b.CompletionTokens,
    };

    public static JsonObject AnthropicMessage(string model, FakeBehavior b) => WithUsage(new JsonObject
    {
        ["id"] = "msg_fake",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = Text(b) }),
        ["stop_reason"] = "end_turn",
        ["stop_sequence"] = null,
    }, b, AnthropicUsage(b));

    /// <summary>Anthropic's <c>POST /v1/messages/count_tokens</c> answer: the prompt's tokens, nothing else.</summary>
    public static JsonObject AnthropicTokenCount(FakeBehavior b) => new() { ["input_tokens"] = b.PromptTokens };

    private static JsonObject WithUsage(JsonObject body, FakeBehavior b, JsonObject usage)
    {
        if (!b.OmitUsage)
            body["usage"] = usage;
        return body;
    }
}
