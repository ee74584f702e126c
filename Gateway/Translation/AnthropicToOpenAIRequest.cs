using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// An Anthropic <c>/v1/messages</c> request as an OpenAI <c>/v1/chat/completions</c> request. Every
/// top-level member is translated, accepted because its value changes nothing (<c>thinking</c> disabled),
/// or refused by name. A stream always asks for the usage chunk: the client's events need it.
/// </summary>
internal static class AnthropicToOpenAIRequest
{
    public static JsonObject Translate(JsonObject request, string upstreamModel)
    {
        var messages = new JsonArray();
        if (request["system"] is { } system)
            messages.Add(System(system));
        foreach (var message in AnthropicToOpenAIMessages.Translate(Json.Array(request["messages"], "messages")))
            messages.Add(message);
        var result = new JsonObject { ["model"] = upstreamModel, ["messages"] = messages };
        JsonNode? toolChoice = null;
        foreach (var (name, value) in request)
        {
            if (value is null)
                continue;
            switch (name)
            {
                case "model" or "messages" or "system":
                    break;
                case "max_tokens":
                    result["max_completion_tokens"] = Json.Copy(value);
                    break;
                case "stream":
                    result["stream"] = Json.Copy(value);
                    if (Json.IsTrue(value))
                        result["stream_options"] = new JsonObject { ["include_usage"] = true };
                    break;
                case "temperature" or "top_p":
                    result[name] = Json.Copy(value);
                    break;
                case "stop_sequences":
                    result["stop"] = Json.Copy(Json.Array(value, "stop_sequences"));
                    break;
                case "metadata":
                    if (value["user_id"] is { } user)
                        result["user"] = Json.Copy(user);
                    break;
                case "tools":
                    result["tools"] = Tools(Json.Array(value, "tools"));
                    break;
                case "tool_choice":
                    toolChoice = ToolChoice(Json.Object(value, "tool_choice"), result);
                    break;
                case "thinking" when Json.String(value["type"]) == "disabled":
                    break;
                default:
                    throw UntranslatableException.ToOpenAI(name);
            }
        }
        if (toolChoice is not null)
            result["tool_choice"] = toolChoice;
        return result;
    }

    /// <summary>A string or text blocks (their <c>cache_control</c> is Anthropic's; OpenAI caches prompts by itself).</summary>
    private static JsonObject System(JsonNode system)
    {
        if (system.GetValueKind() == JsonValueKind.String)
            return new JsonObject { ["role"] = "system", ["content"] = Json.Copy(system) };
        var parts = new JsonArray();
        foreach (var block in Json.Array(system, "system"))
        {
            if (Json.String(block?["type"]) != "text")
                throw UntranslatableException.ToOpenAI($"system blocks of type '{Json.String(block?["type"])}'");
            parts.Add(new JsonObject { ["type"] = "text", ["text"] = Json.RequiredString(block!["text"], "system[].text") });
        }
        return new JsonObject { ["role"] = "system", ["content"] = parts };
    }

    /// <summary>Client tools (<c>{"name","description","input_schema"}</c>) only; a server tool (<c>web_search_…</c>, <c>bash_…</c>) runs at Anthropic.</summary>
    private static JsonArray Tools(JsonArray tools)
    {
        var result = new JsonArray();
        foreach (var node in tools)
        {
            var tool = Json.Object(node, "tools[]");
            if (Json.String(tool["type"]) is { } type && type != "custom")
                throw UntranslatableException.ToOpenAI($"tools of type '{type}'");
            var function = new JsonObject { ["name"] = Json.RequiredString(tool["name"], "tools[].name") };
            if (tool["description"] is { } description)
                function["description"] = Json.Copy(description);
            function["parameters"] = Json.Copy(Json.Object(tool["input_schema"], "tools[].input_schema"));
            result.Add(new JsonObject { ["type"] = "function", ["function"] = function });
        }
        return result;
    }

    private static JsonNode ToolChoice(JsonObject choice, JsonObject result)
    {
        if (Json.IsTrue(choice["disable_parallel_tool_use"]))
            result["parallel_tool_calls"] = false;
        return Json.String(choice["type"]) switch
        {
            "auto" => "auto",
            "none" => "none",
            "any" => "required",
            "tool" => new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = Json.RequiredString(choice["name"], "tool_choice.name") },
            },
            var other => throw UntranslatableException.ToOpenAI($"tool_choice of type '{other}'"),
        };
    }
}
