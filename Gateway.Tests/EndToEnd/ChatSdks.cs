using System.ClientModel;
using Anthropic;
using Gateway.Tests.Fakes;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Tests.EndToEnd;

/// <summary>The official SDKs pointed at a test gateway, and the tool the translation tests offer them.</summary>
internal static class ChatSdks
{
    public static readonly ChatTool WeatherTool = ChatTool.CreateFunctionTool("get_weather", "Current weather for a city",
        BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string"}},"required":["location"]}"""));

    public static ChatClient OpenAI(GatewayHost host, string key, string model) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(host.Address, "/v1") });

    public static AnthropicClient Anthropic(GatewayHost host, string key) => new() { ApiKey = key, BaseUrl = host.Address.ToString().TrimEnd('/') };

    /// <summary>Reads a streamed chat answer as an OpenAI client sees it: its text, its one tool call's pieces joined, its finish reason.</summary>
    public static async Task<StreamedAnswer> StreamAsync(ChatClient sdk, IEnumerable<ChatMessage> conversation, ChatCompletionOptions options)
    {
        var text = new System.Text.StringBuilder();
        var arguments = new System.Text.StringBuilder();
        string? callId = null, name = null;
        ChatFinishReason? finish = null;
        await foreach (var update in sdk.CompleteChatStreamingAsync(conversation, options))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            foreach (var call in update.ToolCallUpdates)
            {
                callId ??= call.ToolCallId;
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= update.FinishReason;
        }
        return new StreamedAnswer(text.ToString(), callId, name, arguments.ToString(), finish);
    }
}

internal sealed record StreamedAnswer(string Text, string? CallId, string? Name, string Arguments, ChatFinishReason? Finish);
