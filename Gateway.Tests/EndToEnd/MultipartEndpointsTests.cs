using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Fakes;
using OpenAI;
using OpenAI.Audio;
using OpenAI.Images;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// SPEC §12: multipart uploads (transcriptions, translations, image edits) stream through within
/// <c>Gateway:MaxRequestBodyBytes</c>; the row knows the model from the form field and bills the provider's unit.
/// </summary>
public class MultipartEndpointsTests
{
    /// <summary>A WAV header and ~1 MB of samples: ~30 s of 16 kHz mono audio, sized like a real clip.</summary>
    private static byte[] Audio(int bytes = 1_000_000) => [.. "RIFF"u8, .. RandomNumberGenerator.GetBytes(bytes)];

    private static OpenAIClient Sdk(GatewayHost host, string key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(host.Address, "/v1") });

    private static async Task<JsonElement> OnlyRowAsync(GatewayHost host) =>
        (await host.LogsAsync()).Single(r => r.GetProperty("type").GetString() != "system");

    [Fact]
    public async Task OpenAISdk_Transcription_BilledPerReportedSecond_ModelRenamedInTheForm()
    {
        var settings = new Dictionary<string, string?>(MediaEndpointsTests.Pricing) { ["Models:whisper-1:UpstreamModel"] = "whisper-large" };
        await using var host = await GatewayHost.StartAsync(settings);
        host.Upstream.Behavior = new FakeBehavior { AudioSeconds = 14.2m };
        var account = await host.CreateAccountAsync(1m);
        var audio = Sdk(host, await host.CreateKeyAsync(account)).GetAudioClient("whisper-1");
        var clip = Audio();

        var transcript = await audio.TranscribeAudioAsync(new MemoryStream(clip), "clip.wav");

        transcript.Value.Text.Should().Contain("short sentence");
        var sent = host.Upstream.Received.Single();
        sent.Body.Should().Contain("name=model\r\n\r\nwhisper-large\r\n").And.NotContain("whisper-1");
        sent.BodyBytes.Should().BeGreaterThan(clip.Length);
        var row = await OnlyRowAsync(host);
        row.GetProperty("model").GetString().Should().Be("whisper-1");
        row.GetProperty("path").GetString().Should().Be("/v1/audio/transcriptions");
        var details = row.GetProperty("details");
        details.GetProperty("unit").GetString().Should().Be("second");
        details.GetProperty("units").GetDecimal().Should().Be(14.2m);
        details.GetProperty("usage_source").GetString().Should().Be("upstream");
        row.GetProperty("spend").GetDecimal().Should().Be(0.00142m);
        (await host.BalanceAsync(account)).Should().Be(1m - 0.00142m);
    }

    [Fact]
    public async Task OpenAISdk_TranslationVerboseJson_DurationBilled()
    {
        await using var host = await GatewayHost.StartAsync(MediaEndpointsTests.Pricing);
        host.Upstream.Behavior = new FakeBehavior { AudioSeconds = 61.5m };
        var audio = Sdk(host, await host.CreateKeyAsync(await host.CreateAccountAsync(1m))).GetAudioClient("whisper-1");

        var translation = await audio.TranslateAudioAsync(new MemoryStream(Audio()), "clip.wav",
            new AudioTranslationOptions { ResponseFormat = AudioTranslationFormat.Verbose });

        translation.Value.Duration.Should().Be(TimeSpan.FromSeconds(61.5));
        var row = await OnlyRowAsync(host);
        row.GetProperty("details").GetProperty("units").GetDecimal().Should().Be(61.5m);
        row.GetProperty("spend").GetDecimal().Should().Be(0.00615m);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("srt")]
    [InlineData("vtt")]
    public async Task OpenAISdk_TranscriptionInAFormatWithoutUsage_PerSecondModel_400NamingTheField_NeverForwarded(string format)
    {
        await using var host = await GatewayHost.StartAsync(MediaEndpointsTests.Pricing);
        var account = await host.CreateAccountAsync(1m);
        var audio = Sdk(host, await host.CreateKeyAsync(account)).GetAudioClient("whisper-1");

        var call = () => audio.TranscribeAudioAsync(new MemoryStream(Audio(50_000)), "clip.wav",
            new AudioTranscriptionOptions { ResponseFormat = new AudioTranscriptionFormat(format) });

        (await call.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(400);
        host.Upstream.Received.Should().BeEmpty();
        var row = await OnlyRowAsync(host);
        row.GetProperty("status").GetInt32().Should().Be(400);
        row.GetProperty("message").GetString().Should().Contain("'response_format'").And.Contain(format);
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task Transcription_TextFormatAfterTheFile_UploadCut_400_NothingCharged()
    {
        await using var host = await GatewayHost.StartAsync(MediaEndpointsTests.Pricing);
        var account = await host.CreateAccountAsync(1m);
        using var form = new MultipartFormDataContent { { new StringContent("whisper-1"), "model" } };
        form.Add(new ByteArrayContent(Audio(300_000)), "file", "clip.wav");
        form.Add(new StringContent("text"), "response_format");

        using var response = await host.NewClient(await host.CreateKeyAsync(account)).PostAsync("/v1/audio/transcriptions", form);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString()
            .Should().Contain("'response_format' 'text'");
        host.Upstream.Received.Should().NotContain(r => r.Body.Contains("name=response_format"), "the upload is cut before the upstream has the whole form");
        var row = await OnlyRowAsync(host);
        row.GetProperty("status").GetInt32().Should().Be(400);
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Theory]
    [InlineData("gpt-4o-transcribe", "json", HttpStatusCode.OK)]          // token usage in the answer
    [InlineData("gpt-4o-transcribe", "text", HttpStatusCode.BadRequest)]  // no usage: refused
    [InlineData("transcribe-flat", "text", HttpStatusCode.OK)]            // a price per call needs no usage
    public async Task Transcription_FormatWithoutUsage_RefusedOnlyWhereTheBillNeedsUsage(string model, string format, HttpStatusCode expected)
    {
        var settings = new Dictionary<string, string?>(MediaEndpointsTests.Pricing)
        {
            ["Models:gpt-4o-transcribe:Cluster"] = "openai", ["Models:gpt-4o-transcribe:ModelRatio"] = "1.25",
            ["Models:transcribe-flat:Cluster"] = "openai", ["Models:transcribe-flat:Price"] = "0.01",
        };
        await using var host = await GatewayHost.StartAsync(settings);
        using var form = new MultipartFormDataContent { { new StringContent(model), "model" }, { new StringContent(format), "response_format" } };
        form.Add(new ByteArrayContent(Audio(50_000)), "file", "clip.wav");

        using var response = await host.NewClient(await host.CreateKeyAsync(await host.CreateAccountAsync(1m))).PostAsync("/v1/audio/transcriptions", form);

        response.StatusCode.Should().Be(expected);
        (await OnlyRowAsync(host)).GetProperty("status").GetInt32().Should().Be((int)expected);
    }

    /// <summary>Sends the form's model and half the file, then waits until the upstream has the request before sending the rest.</summary>
    private sealed class HalfThenWaitContent(byte[] head, byte[] tail, Task proceed) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(head);
            await stream.FlushAsync();
            await proceed.WaitAsync(TimeSpan.FromSeconds(10));
            await stream.WriteAsync(tail);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = head.Length + tail.Length;
            return true;
        }

        public static HalfThenWaitContent Of(string model, byte[] file, Task proceed)
        {
            const string boundary = "gateway-test-boundary";
            var body = (byte[])[
                .. Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n{model}\r\n"),
                .. Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.wav\"\r\nContent-Type: audio/wav\r\n\r\n"),
                .. file, .. Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n")];
            var content = new HalfThenWaitContent(body[..(body.Length / 2)], body[(body.Length / 2)..], proceed);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
            return content;
        }
    }

    [Fact]
    public async Task Transcription_UploadReachesTheUpstreamBeforeItEnds_NotHeldWhole()
    {
        await using var host = await GatewayHost.StartAsync(MediaEndpointsTests.Pricing);
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        var clip = Audio(2_000_000);

        using var response = await host.NewClient(key).PostAsync("/v1/audio/transcriptions",
            HalfThenWaitContent.Of("whisper-1", clip, host.Upstream.RequestArrived.Task));

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the upstream got the request while half the upload was still with the client");
        host.Upstream.Received.Single().BodyBytes.Should().BeGreaterThan(clip.Length);
        (await OnlyRowAsync(host)).GetProperty("type").GetString().Should().Be("consume");
    }

    [Fact]
    public async Task Transcription_ChunkedUploadOverTheLimit_413_UpstreamNeverGetsItWhole_NothingCharged()
    {
        var settings = new Dictionary<string, string?>(MediaEndpointsTests.Pricing) { ["Gateway:MaxRequestBodyBytes"] = "200000" };
        await using var host = await GatewayHost.StartAsync(settings);
        var account = await host.CreateAccountAsync(1m);
        var key = await host.CreateKeyAsync(account);
        using var form = new MultipartFormDataContent { { new StringContent("whisper-1"), "model" } };
        form.Add(new StreamContent(new MemoryStream(Audio(600_000))), "file", "clip.wav"); // no declared length: chunked

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/transcriptions") { Content = form };
        request.Headers.TransferEncodingChunked = true;
        using var response = await host.NewClient(key).SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString().Should().Be("request_too_large");
        host.Upstream.Received.Should().NotContain(r => r.BodyBytes > 200_000);
        var row = await OnlyRowAsync(host);
        row.GetProperty("status").GetInt32().Should().Be(413);
        row.GetProperty("spend").GetDecimal().Should().Be(0m);
        (await host.BalanceAsync(account)).Should().Be(1m);
    }

    [Fact]
    public async Task Transcription_ModelAfterTheFile_ReadAheadFindsIt()
    {
        await using var host = await GatewayHost.StartAsync(MediaEndpointsTests.Pricing);
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Audio(300_000)), "file", "clip.wav");
        form.Add(new StringContent("whisper-1"), "model");

        using var response = await host.NewClient(key).PostAsync("/v1/audio/transcriptions", form);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await OnlyRowAsync(host)).GetProperty("details").GetProperty("units").GetDecimal().Should().Be(14.2m);
    }

    [Theory]
    [InlineData(null, "Missing required parameter: 'model'")]
    [InlineData("no-such-model", "no-such-model")]
    public async Task Transcription_NoOrUnknownModel_RefusedNeverForwarded(string? model, string expected)
    {
        await using var host = await GatewayHost.StartAsync(MediaEndpointsTests.Pricing);
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Audio(10_000)), "file", "clip.wav");
        if (model is not null)
            form.Add(new StringContent(model), "model");

        using var response = await host.NewClient(key).PostAsync("/v1/audio/transcriptions", form);

        ((int)response.StatusCode).Should().Be(model is null ? 400 : 404);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString().Should().Contain(expected);
        host.Upstream.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task Transcription_JsonBody_400NamingTheContentType()
    {
        await using var host = await GatewayHost.StartAsync(MediaEndpointsTests.Pricing);
        var key = await host.CreateKeyAsync(await host.CreateAccountAsync(1m));

        using var response = await host.NewClient(key).PostAsync("/v1/audio/transcriptions", new StringContent("""{"model":"whisper-1"}""", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("multipart/form-data");
    }

    [Fact]
    public async Task OpenAISdk_ImageEdits_PricedPerImageFromTheFormFields()
    {
        await using var host = await GatewayHost.StartAsync(MediaEndpointsTests.Pricing);
        var account = await host.CreateAccountAsync(1m);
        var images = Sdk(host, await host.CreateKeyAsync(account)).GetImageClient("dall-e-2");

        var edited = await images.GenerateImageEditsAsync(new MemoryStream(RandomNumberGenerator.GetBytes(800_000)), "photo.png",
            "add a red hat", 2, new ImageEditOptions { Size = GeneratedImageSize.W256xH256, ResponseFormat = GeneratedImageFormat.Bytes });

        edited.Value.Should().HaveCount(2);
        var row = await OnlyRowAsync(host);
        row.GetProperty("path").GetString().Should().Be("/v1/images/edits");
        row.GetProperty("details").GetProperty("units").GetDecimal().Should().Be(2);
        row.GetProperty("spend").GetDecimal().Should().Be(2 * 0.016m);
    }
}
