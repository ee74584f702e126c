using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// Estimates a request's prompt tokens from its JSON, for when the upstream reports no usage.
/// </summary>
/// <remarks>
/// Messages follow the OpenAI cookbook's rule for chat (<c>num_tokens_from_messages</c>): 3 tokens per
/// message, plus the tokens of each string field (role, content, name, …), plus 1 for a name, plus 3 priming
/// the reply. The same rule is applied to responses items and Anthropic messages (whose real overheads are
/// not published). Content may be a string or an array of parts; only text-bearing parts count (text,
/// thinking, tool arguments and inputs, tool results), never images or audio. Tool definitions count as
/// their JSON text, a rough stand-in for the provider's hidden rendering of them. Token-id prompts count one
/// token per id. Garbage counts 0.
/// </remarks>
public static class PromptTokenCounter
{
    private const int TokensPerMessage = 3;
    private const int TokensPerName = 1;
    private const int ReplyPriming = 3;

    public static long CountPrompt(WireFormat format, ReadOnlySpan<byte> requestJson, TokenCounter counter)
    {
        try
        {
            var reader = new Utf8JsonReader(requestJson);
            using var document = JsonDocument.ParseValue(ref reader);
            var request = document.RootElement;
            if (request.ValueKind != JsonValueKind.Object)
            {
                return 0;
            }

            var count = new Counter(counter);
            return format switch
            {
                WireFormat.OpenAIChat => count.Messages(request, "messages") + count.Tools(request),
                WireFormat.OpenAICompletions => count.Prompt(Property(request, "prompt")),
                WireFormat.OpenAIEmbeddings => count.Prompt(Property(request, "input")),
                WireFormat.OpenAIResponses => count.ResponsesInput(request) + count.Tools(request),
                WireFormat.AnthropicMessages => count.System(Property(request, "system"))
                    + count.Messages(request, "messages") + count.Tools(request),
                WireFormat.OpenAIImages => count.Prompt(Property(request, "prompt")),
                // The query is weighed against each document: both are read.
                WireFormat.Rerank => count.Prompt(Property(request, "query")) + count.Documents(Property(request, "documents")),
                // Gemini: systemInstruction is one content ({"parts": […]}), contents the turns, tools the declarations.
                WireFormat.GeminiGenerateContent => count.Content(Property(request, "systemInstruction"))
                    + count.Messages(request, "contents") + count.Tools(request),
                _ => 0,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return 0;
        }
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private sealed class Counter(TokenCounter counter)
    {
        public long Messages(JsonElement request, string property)
        {
            var messages = Property(request, property);
            if (messages.ValueKind != JsonValueKind.Array)
            {
                return 0;
            }

            long tokens = ReplyPriming;
            foreach (var message in messages.EnumerateArray())
            {
                tokens += Message(message);
            }

            return tokens;
        }

        // instructions, then input: a string (one user message) or an array of items (messages, tool calls
        // and their outputs).
        public long ResponsesInput(JsonElement request)
        {
            var instructions = Property(request, "instructions");
            long tokens = instructions.ValueKind == JsonValueKind.String ? TokensPerMessage + Text(instructions) : 0;
            var input = Property(request, "input");
            if (input.ValueKind == JsonValueKind.String)
            {
                return tokens + TokensPerMessage + counter.CountTokens("user") + Text(input) + ReplyPriming;
            }

            return tokens + Messages(request, "input");
        }

        // Anthropic's system prompt: a string or an array of text blocks.
        public long System(JsonElement system) =>
            system.ValueKind is JsonValueKind.String or JsonValueKind.Array ? TokensPerMessage + Text(system) : 0;

        public long Tools(JsonElement request)
        {
            long tokens = 0;
            foreach (var name in (ReadOnlySpan<string>)["tools", "functions"])
            {
                var tools = Property(request, name);
                tokens += tools.ValueKind == JsonValueKind.Array ? RawText(tools) : 0;
            }

            return tokens;
        }

        // Rerank documents: strings, or objects whose string fields are the text (Cohere's {"text": …}).
        public long Documents(JsonElement documents) => documents.ValueKind == JsonValueKind.Array
            ? documents.EnumerateArray().Sum(d => d.ValueKind == JsonValueKind.Object ? d.EnumerateObject().Sum(f => Prompt(f.Value)) : Prompt(d))
            : 0;

        // A prompt or embeddings input: a string, an array of strings, or token ids (flat or per input).
        public long Prompt(JsonElement prompt) => prompt.ValueKind switch
        {
            JsonValueKind.String => Text(prompt),
            JsonValueKind.Number => 1,
            JsonValueKind.Array => prompt.EnumerateArray().Sum(Prompt),
            _ => 0,
        };

        /// <summary>One message or Gemini content: its overhead and its text; nothing when absent.</summary>
        public long Content(JsonElement message) => Message(message);

        private long Message(JsonElement message)
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                return 0;
            }

            long tokens = TokensPerMessage;
            foreach (var field in message.EnumerateObject())
            {
                tokens += Text(field.Value);
                if (Name(field) == "name" && field.Value.ValueKind == JsonValueKind.String)
                {
                    tokens += TokensPerName;
                }
            }

            return tokens;
        }

        // The text in a field's value: strings count; arrays and objects count their text-bearing parts.
        private long Text(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return StringText(value);
                case JsonValueKind.Array:
                    return value.EnumerateArray().Sum(Text);
                case JsonValueKind.Object:
                    long tokens = 0;
                    foreach (var part in value.EnumerateObject())
                    {
                        tokens += PartField(part);
                    }

                    return tokens;
                default:
                    return 0;
            }
        }

        private long PartField(JsonProperty field) => Name(field) switch
        {
            "text" or "thinking" or "refusal" or "arguments" or "output" or "content" or "name" or "function"
                => Text(field.Value),
            // Gemini's function calls and results: their JSON, as tool arguments count.
            "functionCall" or "functionResponse" => RawText(field.Value),
            "input" => field.Value.ValueKind == JsonValueKind.Object
                ? RawText(field.Value)
                : Text(field.Value),
            _ => 0,   // type, ids, cache_control, image and audio sources
        };

        // GetString, GetRawText and JsonProperty.Name throw on a lone surrogate escape or invalid UTF-8, and
        // the throw used to zero the whole prompt; these decode such a character as U+FFFD instead (SPEC §9).
        private static string Name(JsonProperty field) => JsonText.ToString(JsonMarshal.GetRawUtf8PropertyName(field));

        private long StringText(JsonElement value) => Count(JsonMarshal.GetRawUtf8Value(value)[1..^1], unescape: true);

        private long RawText(JsonElement value) => Count(JsonMarshal.GetRawUtf8Value(value), unescape: false);

        private long Count(ReadOnlySpan<byte> utf8, bool unescape)
        {
            var buffer = ArrayPool<char>.Shared.Rent(Math.Max(utf8.Length, 1));
            try
            {
                var chars = unescape ? JsonText.Decode(utf8, buffer) : Encoding.UTF8.GetChars(utf8, buffer);
                return counter.CountTokens(buffer.AsSpan(0, chars));
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }
    }
}
