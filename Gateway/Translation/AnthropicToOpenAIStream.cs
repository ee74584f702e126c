using System.Buffers;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// Anthropic's stream events as OpenAI <c>chat.completion.chunk</c>s, event by event:
/// <c>message_start</c> → the role chunk; a <c>text_delta</c> → a content chunk; a <c>tool_use</c> block's
/// start → a tool call's id and name (<c>tool_calls[].index</c> counts tool blocks from 0), each
/// <c>input_json_delta</c> → a piece of its arguments; <c>message_delta</c> → the finish chunk;
/// <c>message_stop</c> → the usage chunk (only when the client asked, <c>stream_options.include_usage</c>)
/// and <c>[DONE]</c>. Usage is merged per field across <c>message_start</c> and <c>message_delta</c>.
/// </summary>
internal sealed class AnthropicToOpenAIStream(bool clientAskedForUsage, long createdUnixSeconds) : IStreamTranslator
{
    private readonly OpenAIChunkWriter _chunks = new(createdUnixSeconds);
    private readonly Dictionary<int, int> _toolIndexByBlock = [];
    private readonly JsonObject _usage = [];

    public bool OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (JsonNode.Parse(data) is not JsonObject json)
            return false;
        switch (Json.String(json["type"]))
        {
            case "message_start":
                _chunks.Id = Json.String(json["message"]?["id"]);
                _chunks.Model = Json.String(json["message"]?["model"]);
                Merge(json["message"]?["usage"]);
                _chunks.Delta(output, new JsonObject { ["role"] = "assistant", ["content"] = "" });
                return false;
            case "content_block_start":
                return BlockStart(json, output);
            case "content_block_delta":
                return BlockDelta(json, output);
            case "message_delta":
                Merge(json["usage"]);
                _chunks.Delta(output, [], StopReasons.AnthropicToOpenAI(Json.String(json["delta"]?["stop_reason"])));
                return false;
            case "message_stop":
                if (clientAskedForUsage)
                    _chunks.Usage(output, UsageTranslation.ToOpenAI(UsageTranslation.FromAnthropic(_usage)));
                OpenAIChunkWriter.Done(output);
                return false;
            case "error":
                // OpenAI reports a mid-stream failure as a chunk holding an error object.
                SseWriter.Write(output, null, new JsonObject
                {
                    ["error"] = new JsonObject { ["message"] = Json.Copy(json["error"]?["message"]), ["type"] = Json.Copy(json["error"]?["type"]) },
                });
                return false;
            case "ping":
                // Anthropic pings to keep idle connections open; an SSE comment does that for an OpenAI client.
                output.Write(": ping\n\n"u8);
                return false;
            default:
                return false; // content_block_stop, unknown events
        }
    }

    private bool BlockStart(JsonObject json, IBufferWriter<byte> output)
    {
        var block = json["content_block"];
        switch (Json.String(block?["type"]))
        {
            case "text" when Json.String(block!["text"]) is { Length: > 0 } text:
                _chunks.Delta(output, new JsonObject { ["content"] = text });
                return true;
            case "tool_use":
                var index = _toolIndexByBlock.Count;
                _toolIndexByBlock[(int)json["index"]!] = index;
                _chunks.Delta(output, new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["index"] = index,
                        ["id"] = Json.Copy(block!["id"]),
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = Json.Copy(block["name"]), ["arguments"] = "" },
                    }),
                });
                return true;
            default:
                return false;
        }
    }

    private bool BlockDelta(JsonObject json, IBufferWriter<byte> output)
    {
        var delta = json["delta"];
        switch (Json.String(delta?["type"]))
        {
            case "text_delta":
                _chunks.Delta(output, new JsonObject { ["content"] = Json.Copy(delta!["text"]) });
                return true;
            case "input_json_delta" when Json.String(delta!["partial_json"]) is { Length: > 0 } piece
                && _toolIndexByBlock.TryGetValue((int)json["index"]!, out var index):
                _chunks.Delta(output, new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = index, ["function"] = new JsonObject { ["arguments"] = piece } }),
                });
                return true;
            default:
                return false; // thinking and signature deltas have no OpenAI field
        }
    }

    /// <summary>Later non-null fields replace earlier ones (message_delta's usage is cumulative).</summary>
    private void Merge(JsonNode? usage)
    {
        if (usage is not JsonObject fields)
            return;
        foreach (var (name, value) in fields)
        {
            if (value is JsonValue)
                _usage[name] = value.DeepClone();
        }
    }
}
