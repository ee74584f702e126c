using System.ClientModel;
using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;
using OpenAI;
using OpenAI.Audio;
using OpenAI.Images;
using OpenAI.Moderations;
using static Gateway.Tests.EndToEnd.ChatCompletionsTests;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// SPEC §12: images, speech, moderations and rerank, each one row priced the way its provider prices it
/// (per image by size and quality, per character, per token, per search unit), the unit and price in <c>details</c>.
/// </summary>
public class MediaEndpointsTests
{
    /// <summary>Prices as the providers list them (USD).</summary>
    internal static readonly Dictionary<string, string?> Pricing = new()
    {
        ["Models:dall-e-2:Cluster"] = "openai",
        ["Models:dall-e-2:ImagePrices:1024x1024"] = "0.02",
        ["Models:dall-e-2:ImagePrices:hd-1024x1024"] = "0.08",
        ["Models:dall-e-2:ImagePrices:256x256"] = "0.016",
        ["Models:gpt-image-1:Cluster"] = "openai",
        ["Models:gpt-image-1:ModelRatio"] = "2.5",
        ["Models:gpt-image-1:CompletionRatio"] = "8",
        ["Models:tts-1:Cluster"] = "openai",
        ["Models:tts-1:PricePerCharacter"] = "0.000015",
        ["Models:whisper-1:Cluster"] = "openai",
        ["Models:whisper-1:PricePerSecond"] = "0.0001",
        ["Models:omni-moderation-latest:Cluster"] = "openai",
        ["Models:omni-moderation-latest:ModelRatio"] = "0.5",
        ["Models:rerank-v3.5:Cluster"] = "openai",
        ["Models:rerank-v3.5:PricePerSearchUnit"] = "0.002",
        ["Models:jina-reranker-v2:Cluster"] = "openai",
        ["Models:jina-reranker-v2:ModelRatio"] = "0.01",
    };

    private static OpenAIClient Sdk(GatewayHost host, string key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(host.Address, "/v1") });

    private static async Task<JsonElement> OnlyRowAsync(GatewayHost host) =>
        (await host.LogsAsync()).Single(r => r.GetProperty("type").GetString() != "system");

    [Theory]
    [InlineData("1024x1024", "standard", 2, 0.04)]
    [InlineData("1024x1024", "hd", 1, 0.08)]
    [InlineData("256x256", "hd", 3, 0.048)] // no hd price for that size: the size's own price
    public async Task OpenAISdk_ImagesPerImage_PricedBySizeAndQuality(string size, string quality, int n, decimal spend)
    {
        await using var host = await GatewayHost.StartAsync(Pricing);
        var account = await host.CreateAccountAsync(1m);
        var images = Sdk(host, await host.CreateKeyAsync(account)).GetImageClient("dall-e-2");

        var generated = await images.GenerateImagesAsync("a lighthouse at dusk", n, new ImageGenerationOptions
        {
            Size = new GeneratedImageSize(int.Parse(size.Split('x')[0]), int.Parse(size.Split('x')[1])),
            Quality = quality == "hd" ? GeneratedImageQuality.High : GeneratedImageQuality.Standard,
            ResponseFormat = GeneratedImageFormat.Bytes,
        });

        generated.Value.Should().HaveCount(n).And.OnlyContain(i => i.ImageBytes.ToArray().Length == FakeMediaBodies.ImageBytes);
        var row = await OnlyRowAsync(host);
        row.GetProperty("type").GetString().Should().Be("consume");
        row.GetProperty("spend").GetDecimal().Should().Be(spend);
        var details = row.GetProperty("details");
        details.GetProperty("unit").GetString().Should().Be("image");
        details.GetProperty("units").GetDecimal().Should().Be(n);
        details.GetProperty("unit_price").GetDecimal().Should().Be(spend / n);
        details.GetProperty("usage_source").GetString().Should().Be("request");
        (await host.BalanceAsync(account)).Should().Be(1m - spend);
    }

    [Fact]
    public async Task Images_SizeWithoutAPrice_400NotForwarded()
    {
        await using var host = await GatewayHost.StartAsync(Pricing);
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        using var response = await host.NewClient(key).PostAsync("/v1/images/generations",
            JsonContent("""{"model":"dall-e-2","prompt":"x","size":"1536x1024"}"""));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("1536x1024");
        host.Upstream.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task OpenAISdk_TokenPricedImageModel_UpstreamUsageBilled()
    {
        await using var host = await GatewayHost.StartAsync(Pricing);
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 50, CompletionTokens = 4_160 };
        var images = Sdk(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m))).GetImageClient("gpt-image-1");

        await images.GenerateImageAsync("a lighthouse at dusk");

        var row = await OnlyRowAsync(host);
        row.GetProperty("input_tokens").GetInt64().Should().Be(50);
        row.GetProperty("output_tokens").GetInt64().Should().Be(4_160);
        // (50 + 4160 × 8) × 2.5 × 2 / 1e6
        row.GetProperty("spend").GetDecimal().Should().Be(0.16665m);
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("upstream");
    }

    [Fact]
    public async Task OpenAISdk_Speech_AudioStreamedThrough_PricedPerCharacter()
    {
        await using var host = await GatewayHost.StartAsync(Pricing);
        var audio = Sdk(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m))).GetAudioClient("tts-1");
        var text = "The quick brown fox jumps over the lazy dog. ¿Qué tal? 🦊";

        var speech = await audio.GenerateSpeechAsync(text, GeneratedSpeechVoice.Alloy);

        speech.Value.ToArray().Length.Should().Be(FakeMediaBodies.SpeechBytes);
        var row = await OnlyRowAsync(host);
        var characters = text.EnumerateRunes().Count();
        row.GetProperty("status").GetInt32().Should().Be(200);
        row.GetProperty("details").GetProperty("units").GetDecimal().Should().Be(characters);
        row.GetProperty("details").GetProperty("unit").GetString().Should().Be("character");
        row.GetProperty("spend").GetDecimal().Should().Be(characters * 0.000015m);
    }

    [Fact]
    public async Task OpenAISdk_Moderation_InputCountedAndPricedPerToken()
    {
        await using var host = await GatewayHost.StartAsync(Pricing);
        var moderation = Sdk(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m))).GetModerationClient("omni-moderation-latest");

        var result = await moderation.ClassifyTextAsync("I want to bake a cake for my neighbour.");

        result.Value.Flagged.Should().BeFalse();
        var row = await OnlyRowAsync(host);
        row.GetProperty("path").GetString().Should().Be("/v1/moderations");
        var input = row.GetProperty("input_tokens").GetInt64();
        input.Should().BeInRange(8, 14);
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("counted");
        row.GetProperty("spend").GetDecimal().Should().Be(input * 0.5m * 2 / 1_000_000m);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(250, 3)]
    public async Task Rerank_CohereShape_BilledSearchUnitsFromUpstream(int documents, int searchUnits)
    {
        await using var host = await GatewayHost.StartAsync(Pricing);
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var body = JsonSerializer.Serialize(new { model = "rerank-v3.5", query = "capital of France", documents = Enumerable.Range(0, documents).Select(i => $"Document {i} about Paris.").ToArray(), top_n = 3 });

        using var response = await host.NewClient(key).PostAsync("/v1/rerank", JsonContent(body));
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        answer.GetProperty("results").GetArrayLength().Should().Be(documents);
        var row = await OnlyRowAsync(host);
        row.GetProperty("details").GetProperty("unit").GetString().Should().Be("search_unit");
        row.GetProperty("details").GetProperty("units").GetDecimal().Should().Be(searchUnits);
        row.GetProperty("details").GetProperty("usage_source").GetString().Should().Be("upstream");
        row.GetProperty("spend").GetDecimal().Should().Be(searchUnits * 0.002m);
    }

    [Fact]
    public async Task Rerank_JinaShape_UsageTokensBilled()
    {
        await using var host = await GatewayHost.StartAsync(Pricing);
        host.Upstream.Behavior = new FakeBehavior { PromptTokens = 815 };
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        using var response = await host.NewClient(key).PostAsync("/v1/rerank",
            JsonContent("""{"model":"jina-reranker-v2","query":"capital of France","documents":["Paris is.","Berlin is not."]}"""));
        await response.Content.ReadAsStringAsync();

        var row = await OnlyRowAsync(host);
        row.GetProperty("input_tokens").GetInt64().Should().Be(815);
        row.GetProperty("spend").GetDecimal().Should().Be(815 * 0.01m * 2 / 1_000_000m);
    }

    [Theory]
    [InlineData("/v1/audio/speech", """{"model":"test-model","input":"hi","voice":"alloy"}""")]
    [InlineData("/v1/chat/completions", """{"model":"tts-1","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("/v1/images/generations", """{"model":"whisper-1","prompt":"x"}""")]
    public async Task ModelPricedForAnotherEndpoint_404NeverForwarded(string path, string body)
    {
        await using var host = await GatewayHost.StartAsync(Pricing);
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        using var response = await host.NewClient(key).PostAsync(path, JsonContent(body));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString().Should().Be("model_not_found");
        host.Upstream.Received.Should().BeEmpty();
        (await OnlyRowAsync(host)).GetProperty("type").GetString().Should().Be("error");
    }
}
