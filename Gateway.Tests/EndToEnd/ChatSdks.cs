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
}
