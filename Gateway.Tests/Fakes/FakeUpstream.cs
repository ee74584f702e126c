using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Fakes;

/// <summary>
/// A real Kestrel server on 127.0.0.1 that speaks the OpenAI, Anthropic and Gemini wire formats (JSON and
/// SSE) and misbehaves on demand through <see cref="Behavior"/>. It records every request it gets.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

    private FakeUpstream(WebApplication app) => _app = app;

    public FakeBehavior Behavior { get; set; } = new();

    public string BaseAddress { get; private set; } = "";

    public IReadOnlyCollection<ReceivedRequest> Received => _received.ToArray();

    /// <summary>The responses created through <c>POST /v1/responses</c> (not streamed), retrievable by id.</summary>
    public FakeStoredResponses StoredResponses { get; } = new();

    /// <summary>Bytes of streamed events the fake managed to write (its writes wait when nobody reads).</summary>
    public long StreamedBytes => Interlocked.Read(ref _streamedBytes);

    private long _streamedBytes;

    /// <summary>Set when a streamed response was cut by its client (the gateway cancelled upstream).</summary>
    public TaskCompletionSource StreamAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The plain-HTTP address, <c>http://127.0.0.1:port</c>.</summary>
    public string PlainAddress { get; private set; } = "";

    /// <summary>
    /// The HTTPS address by host name, <c>https://localhost:port/</c>. Like a provider's edge, it refuses a
    /// TLS handshake whose server name (SNI) is not <c>localhost</c> and answers 421 to a wrong <c>Host</c>.
    /// </summary>
    public string HttpsAddress { get; private set; } = "";

    /// <summary>Requests refused for a wrong <c>Host</c> (421) or server name (handshake refused).</summary>
    public int Misdirected => _misdirected;

    private int _misdirected;

    /// <param name="https">Whether <see cref="BaseAddress"/> is the HTTPS address (else the plain one); both listen.</param>
    public static async Task<FakeUpstream> StartAsync(bool https = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls("http://127.0.0.1:0", "https://127.0.0.1:0");
        FakeUpstream? fake = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(tls =>
            tls.ServerCertificateSelector = (_, serverName) =>
            {
                if (serverName == FakeCertificate.HostName)
                    return FakeCertificate.Certificate;
                Interlocked.Increment(ref fake!._misdirected);
                return null; // no certificate for that name: the handshake fails, as at a CDN edge
            }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        fake = new FakeUpstream(app);
        app.Use(fake.RefuseWrongHost);
        app.Map("/{**path}", fake.HandleAsync);
        await app.StartAsync();
        fake.PlainAddress = app.Urls.First(u => u.StartsWith("http:", StringComparison.Ordinal));
        var httpsPort = new Uri(app.Urls.First(u => u.StartsWith("https:", StringComparison.Ordinal))).Port;
        fake.HttpsAddress = $"https://{FakeCertificate.HostName}:{httpsPort}/";
        fake.BaseAddress = https ? fake.HttpsAddress : fake.PlainAddress;
        return fake;
    }

    private async Task RefuseWrongHost(HttpContext context, RequestDelegate next)
    {
        if (context.Request.IsHttps && context.Request.Host.Value != $"{FakeCertificate.HostName}:{context.Connection.LocalPort}")
        {
            Interlocked.Increment(ref _misdirected);
            context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["message"] = $"misdirected request for host '{context.Request.Host}'", ["type"] = "invalid_request_error" } });
            return;
        }
        await next(context);
    }

    /// <summary>Set when a request's headers arrive, before its body is read: shows a body is streamed, not held first.</summary>
    public TaskCompletionSource RequestArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task HandleAsync(HttpContext context)
    {
        RequestArrived.TrySetResult();
        using var raw = new MemoryStream();
        await context.Request.Body.CopyToAsync(raw);
        var body = System.Text.Encoding.UTF8.GetString(raw.GetBuffer(), 0, (int)raw.Length);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        _received.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", headers, body, raw.Length));
        var behavior = Behavior;
        var path = context.Request.Path.Value ?? "";
        var anthropic = path.EndsWith("/messages", StringComparison.Ordinal);
        JsonObject? request = null;
        try { request = JsonNode.Parse(body) as JsonObject; } catch (System.Text.Json.JsonException) { }
        request ??= FakeMultipart.TextFields(context.Request.ContentType, body);

        if (behavior.Respond is { } respond)
        {
            await respond(context);
            return;
        }
        if (behavior.FirstEventDelay > TimeSpan.Zero)
            await Task.Delay(behavior.FirstEventDelay, context.RequestAborted);
        if (FakeGemini.Matches(path))
        {
            await FakeGemini.HandleAsync(context, path, request, behavior);
            return;
        }
        if (behavior.FailWithStatus is { } status)
        {
            context.Response.StatusCode = status;
            await WriteJsonAsync(context, anthropic
                ? new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "api_error", ["message"] = "fake upstream failure" } }
                : new JsonObject { ["error"] = new JsonObject { ["message"] = "fake upstream failure", ["type"] = "server_error" } });
            return;
        }
        if (StoredResponses.Answer(context.Request.Method, path) is { } stored)
        {
            context.Response.StatusCode = stored.Status;
            await WriteJsonAsync(context, stored.Body);
            return;
        }
        var model = request?["model"]?.GetValue<string>() ?? "unknown";
        if (path.EndsWith("/audio/speech", StringComparison.Ordinal))
        {
            await FakeMediaBodies.WriteSpeechAsync(context);
            return;
        }
        if (path.EndsWith("/audio/transcriptions", StringComparison.Ordinal) || path.EndsWith("/audio/translations", StringComparison.Ordinal))
        {
            await FakeMediaBodies.WriteTranscriptAsync(context, request, path.EndsWith("/translations", StringComparison.Ordinal), behavior);
            return;
        }
        var stream = request?["stream"]?.GetValue<bool>() == true;
        // A request that offers tools is answered with a call to one, with long arguments, as models do.
        var tools = request?["tools"] is JsonArray { Count: > 0 };
        if (!stream)
        {
            var json = path switch
            {
                _ when anthropic => FakeBodies.AnthropicMessage(model, behavior),
                _ when path.EndsWith("/messages/count_tokens", StringComparison.Ordinal) => FakeBodies.AnthropicTokenCount(behavior),
                _ when path.EndsWith("/images/generations", StringComparison.Ordinal) || path.EndsWith("/images/edits", StringComparison.Ordinal) => FakeMediaBodies.Images(request, model, behavior),
                _ when path.EndsWith("/moderations", StringComparison.Ordinal) => FakeMediaBodies.Moderation(model, request?["input"] is JsonArray inputs ? inputs.Count : 1),
                _ when path.EndsWith("/rerank", StringComparison.Ordinal) => FakeMediaBodies.Rerank(request, model, behavior),
                _ when path.EndsWith("/embeddings", StringComparison.Ordinal) => FakeBodies.Embeddings(model, behavior),
                _ when path.EndsWith("/responses", StringComparison.Ordinal) => StoredResponses.Create(FakeBodies.Response(model, behavior), request),
                _ when path.EndsWith("/completions", StringComparison.Ordinal) && !path.EndsWith("/chat/completions", StringComparison.Ordinal) => FakeBodies.Completion(model, behavior),
                _ when path.EndsWith("/chat/completions", StringComparison.Ordinal) => FakeBodies.ChatCompletion(model, behavior, tools),
                _ => new JsonObject { ["results"] = new JsonArray("one", "two"), ["path"] = path },
            };
            await WriteJsonAsync(context, json);
            return;
        }

        var includeUsage = request?["stream_options"]?["include_usage"]?.GetValue<bool>() == true;
        var events = anthropic
            ? FakeStreams.AnthropicMessage(model, behavior)
            : path.EndsWith("/responses", StringComparison.Ordinal)
                ? FakeStreams.Response(model, behavior)
                : FakeStreams.ChatCompletion(model, behavior, includeUsage, tools);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var sent = 0;
        try
        {
            foreach (var sse in events)
            {
                if (behavior.ResetAfterEvents is { } resetAfter && sent == resetAfter)
                {
                    // Let the proxy read what was sent: a reset discards data still unread in its socket.
                    await Task.Delay(200);
                    context.Abort();
                    return;
                }
                if (behavior.GarbageLines && sent == 1)
                    await context.Response.WriteAsync(": keep-alive comment\n\ndata: {broken json\n\nevent: unknown_event\ndata: {\"x\":1}\n\n");
                if (sent > 0 && behavior.EventInterval > TimeSpan.Zero)
                    await Task.Delay(behavior.EventInterval, context.RequestAborted);
                if (sent > 0 && behavior.BeforeEvent is { } beforeEvent)
                    await beforeEvent(sent);
                await context.Response.WriteAsync(sse, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                Interlocked.Add(ref _streamedBytes, sse.Length);
                sent++;
            }
        }
        catch (OperationCanceledException)
        {
            StreamAborted.TrySetResult();
        }
        catch (IOException)
        {
            StreamAborted.TrySetResult();
        }
    }

    /// <summary>A JSON body with its length declared, as providers send non-streamed answers.</summary>
    private static async Task WriteJsonAsync(HttpContext context, JsonObject json)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
