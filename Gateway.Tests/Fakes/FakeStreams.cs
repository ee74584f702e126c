using System.Text.Json.Nodes;

namespace Gateway.Tests.Fakes;

/// <summary>Streamed responses as SSE events, one string per event, shaped like the real providers'.</summary>
internal static class FakeStreams
{
    /// <summary>The reply split into word pieces, the way providers stream deltas.</summary>
    public static IEnumerable<string> Pieces(FakeBehavior b)
    {
        for (var r = 0; r < b.Repeat; r++)
            foreach (var word in b.Reply.Split(' '))
                yield return word + " ";
    }

    public static IEnumerable<string> ChatCompletion(string model, FakeBehavior b, bool includeUsage, bool tools = false)
    {
        JsonObject Chunk(JsonArray choices) => new()
        {
            ["id"] = "chatcmpl-fake", ["object"] = "chat.completion.chunk", ["created"] = 1_700_000_000, ["model"] = model, ["choices"] = choices,
        };
        if (tools)
        {
            // A tool call streams as OpenAI's does: its id and name first, then its arguments in small pieces.
            JsonObject Call(JsonObject function, bool first) => new()
            {
                ["index"] = 0, ["delta"] = new JsonObject
                {
                    ["role"] = first ? "assistant" : null,
                    ["tool_calls"] = new JsonArray(first
                        ? new JsonObject { ["index"] = 0, ["id"] = "call_fake", ["type"] = "function", ["function"] = function }
                        : new JsonObject { ["index"] = 0, ["function"] = function }),
                },
            };
            yield return Data(Chunk(new JsonArray(Call(new JsonObject { ["name"] = FakeBodies.ToolName, ["arguments"] = "" }, first: true))));
            var arguments = FakeBodies.ToolArguments(b);
            for (var i = 0; i < arguments.Length; i += 40)
                yield return Data(Chunk(new JsonArray(Call(new JsonObject { ["arguments"] = arguments.Substring(i, Math.Min(40, arguments.Length - i)) }, first: false))));
            yield return Data(Chunk(new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = "tool_calls" })));
        }
        else
        {
            yield return Data(Chunk(new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["role"] = "assistant", ["content"] = "" } })));
            foreach (var piece in Pieces(b))
                yield return Data(Chunk(new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = piece } })));
            yield return Data(Chunk(new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = "stop" })));
        }
        if (includeUsage && !b.OmitUsage)
        {
            var usageChunk = Chunk(new JsonArray());
            usageChunk["usage"] = FakeBodies.OpenAIUsage(b);
            yield return Data(usageChunk);
        }
        yield return "data: [DONE]\n\n";
    }

    public static IEnumerable<string> Response(string model, FakeBehavior b)
    {
        var response = new JsonObject { ["id"] = "resp_fake", ["object"] = "response", ["status"] = "in_progress", ["model"] = model };
        yield return Event("response.created", new JsonObject { ["type"] = "response.created", ["response"] = response.DeepClone() });
        foreach (var piece in Pieces(b))
            yield return Event("response.output_text.delta", new JsonObject { ["type"] = "response.output_text.delta", ["item_id"] = "msg_fake", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = piece });
        var completed = FakeBodies.Response(model, b);
        yield return Event("response.completed", new JsonObject { ["type"] = "response.completed", ["response"] = completed });
    }

    public static IEnumerable<string> AnthropicMessage(string model, FakeBehavior b)
    {
        var usage = FakeBodies.AnthropicUsage(b);
        usage["output_tokens"] = 1;
        var message = new JsonObject
        {
            ["id"] = "msg_fake", ["type"] = "message", ["role"] = "assistant", ["model"] = model,
            ["content"] = new JsonArray(), ["stop_reason"] = null, ["stop_sequence"] = null,
        };
        if (!b.OmitUsage)
            message["usage"] = usage;
        yield return Event("message_start", new JsonObject { ["type"] = "message_start", ["message"] = message });
        yield return Event("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } });
        yield return Event("ping", new JsonObject { ["type"] = "ping" });
        foreach (var piece in Pieces(b))
            yield return Event("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = piece } });
        yield return Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        var delta = new JsonObject { ["type"] = "message_delta", ["delta"] = new JsonObject { ["stop_reason"] = "end_turn", ["stop_sequence"] = null } };
        if (!b.OmitUsage)
            delta["usage"] = new JsonObject { ["output_tokens"] = b.CompletionTokens };
        yield return Event("message_delta", delta);
        yield return Event("message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    private static string Data(JsonObject json) => $"data: {json.ToJsonString()}\n\n";

    private static string Event(string name, JsonObject json) => $"event: {name}\ndata: {json.ToJsonString()}\n\n";
}
