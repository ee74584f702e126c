using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Fakes;

/// <summary>
/// Google's native Gemini API as the fake upstream answers it: <c>POST /v1beta/models/{model}:generateContent</c>,
/// <c>:streamGenerateContent</c> (SSE only with <c>alt=sse</c>, else a JSON array of the chunks, as Google does)
/// and <c>:countTokens</c>; the key in <c>x-goog-api-key</c>; camelCase bodies, <c>candidates[].content.parts[]</c>,
/// <c>usageMetadata</c> on every chunk (the last one with the totals), <c>modelVersion</c>, <c>responseId</c>;
/// each SSE chunk ends <c>\r\n\r\n</c>, and no <c>[DONE]</c> follows; errors as <c>{"error":{"code","message","status"}}</c>.
/// </summary>
internal static class FakeGemini
{
    public const string PathPrefix = "/v1beta/models/";
    public const string ResponseId = "fake-gemini-response-7Hq2";
    /// <summary>A signature as Google sends them: standard base64, with "+", "/" and padding.</summary>
    public const string ThoughtSignature = "CiQB0e2K+7nZ4/Tq1pJ0V3yXwqYt8a0uK2lQm8VnR4sHc0JxE1g=";

    public static bool Matches(string path) => path.StartsWith(PathPrefix, StringComparison.Ordinal);

    public static async Task HandleAsync(HttpContext context, string path, JsonObject? request, FakeBehavior b)
    {
        var colon = path.LastIndexOf(':');
        var model = colon > PathPrefix.Length ? Uri.UnescapeDataString(path[PathPrefix.Length..colon]) : "";
        var method = colon > 0 ? path[(colon + 1)..] : "";
        if (context.Request.Method != HttpMethods.Post || model.Length == 0 || method is not ("generateContent" or "streamGenerateContent" or "countTokens"))
        {
            await ErrorAsync(context, 404, "NOT_FOUND", $"models/{model} is not found for API version v1beta, or is not supported for {method}.");
            return;
        }
        if (string.IsNullOrEmpty(context.Request.Headers["x-goog-api-key"]) && string.IsNullOrEmpty(context.Request.Query["key"]))
        {
            await ErrorAsync(context, 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
            return;
        }
        if (b.FailWithStatus is { } status)
        {
            await ErrorAsync(context, status, status == 429 ? "RESOURCE_EXHAUSTED" : status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT", "fake upstream failure");
            return;
        }
        if (FakeGeminiRequest.Problem(request, method == "countTokens") is { } problem)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", problem);
            return;
        }
        if (method == "countTokens" && request!["generateContentRequest"]?["model"] is { } named && (string?)named != $"models/{model}")
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"generateContentRequest.model '{(string?)named}' does not match the model in the path.");
            return;
        }
        if (method == "countTokens")
        {
            await WriteAsync(context, "application/json", new JsonObject
            {
                ["totalTokens"] = b.PromptTokens,
                ["promptTokensDetails"] = new JsonArray(new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = b.PromptTokens }),
            }.ToJsonString());
            return;
        }
        var chunks = Chunks(model, request!, b).ToList();
        if (method == "generateContent")
            await WriteAsync(context, "application/json", Whole(model, request!, b).ToJsonString());
        else if (context.Request.Query["alt"] != "sse")
            await WriteAsync(context, "application/json", new JsonArray(chunks.ToArray<JsonNode?>()).ToJsonString());
        else
            await StreamAsync(context, chunks, b);
    }

    /// <summary>A call to the first declared function, unless the last turn already answers one.</summary>
    private static string? FunctionToCall(JsonObject request)
    {
        var last = (request["contents"] as JsonArray)?.LastOrDefault();
        if ((last?["parts"] as JsonArray ?? []).Any(p => p?["functionResponse"] is not null))
            return null;
        return (string?)(request["tools"] as JsonArray)?.SelectMany(t => t?["functionDeclarations"] as JsonArray ?? []).FirstOrDefault()?["name"];
    }

    public static JsonObject FunctionCallArgs => new() { ["location"] = "Paris", ["unit"] = "celsius" };

    private static JsonObject Whole(string model, JsonObject request, FakeBehavior b)
    {
        var parts = FunctionToCall(request) is { } name
            ? new JsonArray(new JsonObject { ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = FunctionCallArgs }, ["thoughtSignature"] = ThoughtSignature })
            : new JsonArray(new JsonObject { ["text"] = FakeBodies.Text(b) });
        return Response(model, parts, b.GeminiFinishReason, b.OmitUsage ? null : Usage(b, final: true));
    }

    private static IEnumerable<JsonObject> Chunks(string model, JsonObject request, FakeBehavior b)
    {
        var promptSide = b.OmitUsage ? null : Usage(b, final: false);
        if (FunctionToCall(request) is { } name)
        {
            yield return Response(model, new JsonArray(new JsonObject
            {
                ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = FunctionCallArgs }, ["thoughtSignature"] = ThoughtSignature,
            }), null, promptSide);
        }
        else
        {
            foreach (var piece in FakeStreams.Pieces(b))
                yield return Response(model, new JsonArray(new JsonObject { ["text"] = piece }), null, promptSide?.DeepClone());
        }
        yield return Response(model, new JsonArray(new JsonObject { ["text"] = "" }), b.GeminiFinishReason, b.OmitUsage ? null : Usage(b, final: true));
    }

    private static JsonObject Response(string model, JsonArray parts, string? finishReason, JsonNode? usage)
    {
        var candidate = new JsonObject { ["content"] = new JsonObject { ["parts"] = parts, ["role"] = "model" } };
        if (finishReason is not null)
            candidate["finishReason"] = finishReason;
        candidate["index"] = 0;
        var response = new JsonObject { ["candidates"] = new JsonArray(candidate) };
        if (usage is not null)
            response["usageMetadata"] = usage;
        response["modelVersion"] = model;
        response["responseId"] = ResponseId;
        return response;
    }

    /// <summary>Google's accounting: the prompt count includes the cached tokens; thoughts are counted beside the candidates.</summary>
    private static JsonObject Usage(FakeBehavior b, bool final)
    {
        var usage = new JsonObject { ["promptTokenCount"] = b.PromptTokens };
        if (final)
            usage["candidatesTokenCount"] = b.CompletionTokens;
        usage["totalTokenCount"] = b.PromptTokens + b.ThoughtsTokens + (final ? b.CompletionTokens : 0);
        if (b.CachedTokens > 0)
            usage["cachedContentTokenCount"] = b.CachedTokens;
        usage["promptTokensDetails"] = new JsonArray(new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = b.PromptTokens });
        if (b.CachedTokens > 0)
            usage["cacheTokensDetails"] = new JsonArray(new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = b.CachedTokens });
        if (b.ThoughtsTokens > 0)
            usage["thoughtsTokenCount"] = b.ThoughtsTokens;
        return usage;
    }

    private static async Task StreamAsync(HttpContext context, List<JsonObject> chunks, FakeBehavior b)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        for (var i = 0; i < chunks.Count; i++)
        {
            if (i > 0 && b.EventInterval > TimeSpan.Zero)
                await Task.Delay(b.EventInterval, context.RequestAborted);
            if (i > 0 && b.BeforeEvent is { } beforeEvent)
                await beforeEvent(i);
            await context.Response.WriteAsync($"data: {chunks[i].ToJsonString()}\r\n\r\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return WriteAsync(context, "application/json", new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = code },
        }.ToJsonString());
    }

    private static async Task WriteAsync(HttpContext context, string contentType, string body)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
