using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// An OpenAI <c>/v1/chat/completions</c> request as an Anthropic <c>/v1/messages</c> request. Every
/// top-level member is either translated, accepted because its value changes nothing (<c>n: 1</c>,
/// penalties of 0, <c>store: false</c>), or refused by name; null counts as absent, as OpenAI treats it.
/// </summary>
internal static class OpenAIToAnthropicRequest
{
    /// <summary>Anthropic requires <c>max_tokens</c>; OpenAI lets the model run to its limit. Used when the client sets none.</summary>
    public const int DefaultMaxTokens = 4096;

    public static JsonObject Translate(JsonObject request, string upstreamModel)
    {
        var (system, messages) = OpenAIToAnthropicMessages.Translate(Json.Array(request["messages"], "messages"));
        var result = new JsonObject { ["model"] = upstreamModel };
        if (system.Count > 0)
            result["system"] = system;
        result["messages"] = messages;
        result["max_tokens"] = DefaultMaxTokens;
        JsonObject? toolChoice = null;
        var parallelToolCalls = true;
        foreach (var (name, value) in request)
        {
            if (value is null)
                continue;
            switch (name)
            {
                case "model" or "messages":
                    break;
                case "stream":
                    result["stream"] = Json.Copy(value);
                    break;
                case "stream_options":
                    break; // include_usage decides the client's usage chunk; Anthropic streams its usage always
                case "max_tokens" or "max_completion_tokens":
                    result["max_tokens"] = Json.Copy(value);
                    break;
                case "temperature":
                    // OpenAI takes 0–2, Anthropic 0–1: above 1 has no equivalent.
                    if (value.GetValue<double>() > 1)
                        throw UntranslatableException.ToAnthropic("temperature above 1");
                    result["temperature"] = Json.Copy(value);
                    break;
                case "top_p":
                    result["top_p"] = Json.Copy(value);
                    break;
                case "stop":
                    result["stop_sequences"] = value.GetValueKind() == JsonValueKind.String ? new JsonArray(Json.Copy(value)) : Json.Copy(Json.Array(value, "stop"));
                    break;
                case "user" or "safety_identifier":
                    result["metadata"] = new JsonObject { ["user_id"] = Json.Copy(value) };
                    break;
                case "tools":
                    result["tools"] = Tools(Json.Array(value, "tools"));
                    break;
                case "tool_choice":
                    toolChoice = ToolChoice(value);
                    break;
                case "parallel_tool_calls":
                    parallelToolCalls = value.GetValueKind() != JsonValueKind.False;
                    break;
                case "n" when Json.IsNullOr(value, 1):
                case "presence_penalty" or "frequency_penalty" when Json.IsNullOr(value, 0):
                case "store" or "logprobs" when Json.IsNullOrFalse(value):
                    break;
                case "response_format" when Json.String(value["type"]) == "text":
                    break;
                default:
                    throw UntranslatableException.ToAnthropic(name);
            }
        }
        if (!parallelToolCalls)
        {
            // Anthropic says it inside tool_choice; "none" cannot carry it (and calls nothing anyway).
            toolChoice ??= new JsonObject { ["type"] = "auto" };
            if (Json.String(toolChoice["type"]) != "none")
                toolChoice["disable_parallel_tool_use"] = true;
        }
        if (toolChoice is not null)
            result["tool_choice"] = toolChoice;
        return result;
    }

    /// <summary><c>{"type":"function","function":{"name","description","parameters"}}</c> → <c>{"name","description","input_schema"}</c>.</summary>
    private static JsonArray Tools(JsonArray tools)
    {
        var result = new JsonArray();
        foreach (var tool in tools)
        {
            var type = Json.String(tool?["type"]);
            if (type != "function")
                throw UntranslatableException.ToAnthropic($"tools of type '{type}'");
            var function = Json.Object(tool!["function"], "tools[].function");
            var translated = new JsonObject { ["name"] = Json.RequiredString(function["name"], "tools[].function.name") };
            if (function["description"] is { } description)
                translated["description"] = Json.Copy(description);
            // Anthropic requires a schema; OpenAI's is optional (a function without parameters).
            translated["input_schema"] = Json.Copy(function["parameters"]) ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
            result.Add(translated);
        }
        return result;
    }

    private static JsonObject ToolChoice(JsonNode value)
    {
        if (value.GetValueKind() == JsonValueKind.String)
        {
            return Json.String(value) switch
            {
                "auto" => new JsonObject { ["type"] = "auto" },
                "none" => new JsonObject { ["type"] = "none" },
                "required" => new JsonObject { ["type"] = "any" },
                var other => throw UntranslatableException.ToAnthropic($"tool_choice '{other}'"),
            };
        }
        var type = Json.String(value["type"]);
        if (type != "function")
            throw UntranslatableException.ToAnthropic($"tool_choice of type '{type}'");
        return new JsonObject { ["type"] = "tool", ["name"] = Json.RequiredString(value["function"]?["name"], "tool_choice.function.name") };
    }
}
