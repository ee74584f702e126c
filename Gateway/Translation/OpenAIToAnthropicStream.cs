using System.Buffers;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// OpenAI <c>chat.completion.chunk</c>s as Anthropic's stream events, chunk by chunk: the first chunk →
/// <c>message_start</c>; content → a text block (<c>content_block_start</c>, then a <c>text_delta</c> per
/// chunk); a tool call's first piece (id and name) → a <c>tool_use</c> block, each arguments piece → an
/// <c>input_json_delta</c>; a change of block or the finish reason → <c>content_block_stop</c>;
/// <c>[DONE]</c> → <c>message_delta</c> (stop reason and the whole usage, which OpenAI sends only in its
/// last chunk) and <c>message_stop</c>. Anthropic numbers blocks from 0 in order of appearance.
/// </summary>
internal sealed class OpenAIToAnthropicStream : IStreamTranslator
{
    private bool _started;
    private int _blocks;

    /// <summary>The open block's index, or -1; OpenAI streams one tool call after another, so one is open at a time.</summary>
    private int _open = -1;
    private bool _openIsText;
    private readonly Dictionary<int, int> _blockByToolIndex = [];
    private string? _finishReason;
    private JsonNode? _usage;

    public bool OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            Close(output);
            var usage = UsageTranslation.ToAnthropic(UsageTranslation.FromOpenAI(_usage));
            Event(output, "message_delta", new JsonObject
            {
                ["type"] = "message_delta",
                ["delta"] = new JsonObject { ["stop_reason"] = StopReasons.OpenAIToAnthropic(_finishReason), ["stop_sequence"] = null },
                ["usage"] = usage,
            });
            Event(output, "message_stop", new JsonObject { ["type"] = "message_stop" });
            return false;
        }
        if (JsonNode.Parse(data) is not JsonObject chunk)
            return false;
        if (chunk["error"] is { } error)
        {
            Event(output, "error", new JsonObject
            {
                ["type"] = "error",
                ["error"] = new JsonObject { ["type"] = "api_error", ["message"] = Json.Copy(error["message"]) },
            });
            return false;
        }
        if (!_started)
            Start(chunk, output);
        if (chunk["usage"] is JsonObject usageReport)
            _usage = usageReport.DeepClone();
        var choice = (chunk["choices"] is JsonArray { Count: > 0 } choices) ? choices[0] : null;
        var content = false;
        if (choice?["delta"] is JsonObject delta)
        {
            if ((Json.String(delta["content"]) ?? Json.String(delta["refusal"])) is { Length: > 0 } text)
                content |= Text(text, output);
            if (delta["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls)
                    content |= ToolCall(call!, output);
            }
        }
        if (Json.String(choice?["finish_reason"]) is { } finish)
        {
            _finishReason = finish;
            Close(output);
        }
        return content;
    }

    private void Start(JsonObject chunk, IBufferWriter<byte> output)
    {
        _started = true;
        // Anthropic reports the input side here; OpenAI only at the end, so message_delta carries it.
        Event(output, "message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = Json.Copy(chunk["id"]),
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = Json.Copy(chunk["model"]),
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
            },
        });
    }

    private bool Text(string text, IBufferWriter<byte> output)
    {
        if (_open < 0 || !_openIsText)
            Open(output, new JsonObject { ["type"] = "text", ["text"] = "" }, isText: true);
        Delta(output, _open, new JsonObject { ["type"] = "text_delta", ["text"] = text });
        return true;
    }

    private bool ToolCall(JsonNode call, IBufferWriter<byte> output)
    {
        var toolIndex = (int?)call["index"] ?? 0;
        if (!_blockByToolIndex.TryGetValue(toolIndex, out var block))
        {
            // The call's first piece carries its id and name; Anthropic's input arrives only as deltas.
            block = Open(output, new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = Json.Copy(call["id"]),
                ["name"] = Json.Copy(call["function"]?["name"]),
                ["input"] = new JsonObject(),
                ["caller"] = OpenAIToAnthropicResponse.DirectCaller(),
            }, isText: false);
            _blockByToolIndex[toolIndex] = block;
        }
        if (Json.String(call["function"]?["arguments"]) is not { Length: > 0 } arguments)
            return true;
        Delta(output, block, new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = arguments });
        return true;
    }

    private int Open(IBufferWriter<byte> output, JsonObject block, bool isText)
    {
        Close(output);
        (_open, _openIsText) = (_blocks++, isText);
        Event(output, "content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = _open, ["content_block"] = block });
        return _open;
    }

    private void Close(IBufferWriter<byte> output)
    {
        if (_open < 0)
            return;
        Event(output, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = _open });
        _open = -1;
    }

    private static void Delta(IBufferWriter<byte> output, int index, JsonObject delta) =>
        Event(output, "content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta });

    private static void Event(IBufferWriter<byte> output, string name, JsonObject data) => SseWriter.Write(output, name, data);
}
