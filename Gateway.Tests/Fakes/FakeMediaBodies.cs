using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Fakes;

/// <summary>
/// Answers of the non-chat endpoints, shaped and sized like the real APIs': images (base64 PNGs of ~1.5 MB
/// each, usage for gpt-image models), speech (an MP3 stream), transcriptions, moderations, rerank (Cohere's
/// and Jina's shapes).
/// </summary>
internal static class FakeMediaBodies
{
    /// <summary>Bytes of one generated image before base64: a 1024×1024 PNG is 1–3 MB.</summary>
    public const int ImageBytes = 1_100_000;

    /// <summary>Bytes of generated speech: ~12 s of 128 kbit/s MP3.</summary>
    public const int SpeechBytes = 192_000;

    /// <summary>OpenAI's answer to <c>/v1/images/generations</c> and <c>/edits</c>: <c>n</c> images; gpt-image models also report usage.</summary>
    public static JsonObject Images(JsonObject? request, string model, FakeBehavior b)
    {
        var n = request?["n"]?.GetValue<int>() ?? 1;
        var data = new JsonArray();
        for (var i = 0; i < n; i++)
            data.Add(new JsonObject { ["b64_json"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(ImageBytes)), ["revised_prompt"] = "A fake picture." });
        var body = new JsonObject { ["created"] = 1_700_000_000, ["data"] = data };
        if (model.StartsWith("gpt-image", StringComparison.Ordinal) && !b.OmitUsage)
        {
            body["output_format"] = "png";
            body["size"] = request?["size"]?.GetValue<string>() ?? "1024x1024";
            body["usage"] = new JsonObject
            {
                ["input_tokens"] = b.PromptTokens, ["output_tokens"] = b.CompletionTokens, ["total_tokens"] = b.PromptTokens + b.CompletionTokens,
                ["input_tokens_details"] = new JsonObject { ["text_tokens"] = b.PromptTokens, ["image_tokens"] = 0 },
            };
        }
        return body;
    }

    /// <summary><c>/v1/audio/speech</c>: audio bytes, chunked, in pieces as a TTS server sends them while it speaks.</summary>
    public static async Task WriteSpeechAsync(HttpContext context)
    {
        context.Response.ContentType = "audio/mpeg";
        var audio = RandomNumberGenerator.GetBytes(SpeechBytes);
        for (var offset = 0; offset < audio.Length; offset += 16 * 1024)
        {
            await context.Response.Body.WriteAsync(audio.AsMemory(offset, Math.Min(16 * 1024, audio.Length - offset)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary><c>/v1/moderations</c>: every category OpenAI's SDKs expect, none flagged; no usage.</summary>
    public static JsonObject Moderation(string model, int inputs)
    {
        string[] categories = ["harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "self-harm",
            "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic"];
        var results = new JsonArray();
        for (var i = 0; i < inputs; i++)
            results.Add(new JsonObject
            {
                ["flagged"] = false,
                ["categories"] = new JsonObject(categories.Select(c => KeyValuePair.Create(c, (JsonNode?)JsonValue.Create(false)))),
                ["category_scores"] = new JsonObject(categories.Select(c => KeyValuePair.Create(c, (JsonNode?)JsonValue.Create(0.0001)))),
                ["category_applied_input_types"] = new JsonObject(categories.Select(c => KeyValuePair.Create(c, (JsonNode?)new JsonArray("text")))),
            });
        return new JsonObject { ["id"] = "modr-fake", ["model"] = model, ["results"] = results };
    }

    /// <summary><c>/v1/rerank</c>: Cohere's shape (billed search units), or Jina's (usage tokens) for a <c>jina</c> model.</summary>
    public static JsonObject Rerank(JsonObject? request, string model, FakeBehavior b)
    {
        var documents = request?["documents"] as JsonArray ?? [];
        var results = new JsonArray(documents.Select((_, i) => (JsonNode?)new JsonObject { ["index"] = i, ["relevance_score"] = 1.0 / (i + 1) }).ToArray());
        if (model.Contains("jina", StringComparison.Ordinal))
            return new JsonObject { ["model"] = model, ["usage"] = new JsonObject { ["total_tokens"] = b.PromptTokens }, ["results"] = results };
        return new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(), ["results"] = results,
            ["meta"] = new JsonObject
            {
                ["api_version"] = new JsonObject { ["version"] = "2" },
                ["billed_units"] = new JsonObject { ["search_units"] = Math.Max(1, (documents.Count + 99) / 100) },
            },
        };
    }

    /// <summary>
    /// <c>/v1/audio/transcriptions</c> and <c>/translations</c> in the requested <c>response_format</c>: <c>json</c>
    /// (a transcription reports <c>usage</c> of type <c>duration</c>, a translation nothing), <c>verbose_json</c>
    /// (a top-level <c>duration</c> and segments), or <c>text</c> as plain text.
    /// </summary>
    public static async Task WriteTranscriptAsync(HttpContext context, JsonObject? request, bool translation, FakeBehavior b)
    {
        const string text = "The fake upstream heard a short sentence in the uploaded audio.";
        var format = request?["response_format"]?.ToString() ?? "json";
        if (format is "text" or "srt" or "vtt")
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(text + "\n");
            return;
        }
        var body = new JsonObject { ["text"] = text };
        if (format == "verbose_json")
        {
            body = new JsonObject
            {
                ["task"] = translation ? "translate" : "transcribe", ["language"] = "english", ["duration"] = b.AudioSeconds, ["text"] = text,
                ["segments"] = new JsonArray(new JsonObject { ["id"] = 0, ["seek"] = 0, ["start"] = 0.0, ["end"] = b.AudioSeconds, ["text"] = text }),
            };
        }
        else if (!translation)
            body["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = b.AudioSeconds };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }
}
