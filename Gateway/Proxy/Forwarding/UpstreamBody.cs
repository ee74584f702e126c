using System.Text.Json;

namespace Gateway.Proxy.Forwarding;

/// <summary>What the upstream's headers say of the body about to pass, and the credential it must not repeat.</summary>
internal sealed record UpstreamBody(bool IsEventStream, bool Success, long? ContentLength, string? MediaType, string? ContentEncoding, string? Secret);

/// <summary>A non-streamed 2xx body as the meter found it.</summary>
internal enum BodyShape
{
    /// <summary>Not read (a stream, an error status, no body yet).</summary>
    Unknown,

    /// <summary>Whole JSON: the answer the route expects (usage or not).</summary>
    Json,

    /// <summary>JSON that ends too early: the upstream was cut off while answering.</summary>
    TruncatedJson,

    /// <summary>Not JSON at all (an HTML page, plain text): the request was not served.</summary>
    NotJson,
}

internal static class UpstreamBodyShape
{
    public static BodyShape Of(ReadOnlySpan<byte> body)
    {
        var first = body.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0)
            return BodyShape.Json; // an empty 200: nothing to read, the usage is counted
        if (body[first] is not ((byte)'{' or (byte)'['))
            return BodyShape.NotJson;
        try
        {
            var reader = new Utf8JsonReader(body);
            reader.Read();
            reader.Skip();
            return BodyShape.Json;
        }
        catch (JsonException)
        {
            return BodyShape.TruncatedJson;
        }
    }
}
