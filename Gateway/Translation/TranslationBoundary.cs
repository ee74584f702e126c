using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// Where a translator's exceptions become values: a request that cannot be translated is a refusal
/// naming why (400), an answer that cannot be is null (the caller answers 502), a stream event that is
/// not its format's JSON is passed over. Nothing a client or upstream sends can throw past here.
/// </summary>
internal static class TranslationBoundary
{
    public static TranslatedRequest Request(ReadOnlySpan<byte> body, Func<JsonObject, JsonObject> translate, bool clientAskedForUsage = false)
    {
        try
        {
            if (JsonNode.Parse(body) is not JsonObject request)
                return new TranslatedRequest(null, "The request body must be a JSON object.");
            return new TranslatedRequest(Json.ToUtf8(translate(request)), null, clientAskedForUsage && Json.IsTrue(request["stream_options"]?["include_usage"]));
        }
        catch (UntranslatableException ex)
        {
            return new TranslatedRequest(null, Bounded(ex.Message));
        }
        catch (Exception ex) when (IsShapeError(ex))
        {
            // A member of the wrong kind (a number where a string goes): the client's body breaks its own API's shape.
            return new TranslatedRequest(null, Bounded($"The request does not have the shape the API documents: {ex.Message}"));
        }
    }

    /// <summary>Longest refusal text: a message may quote a client's member name or value, which may be megabytes long.</summary>
    public const int MaxRefusalChars = 400;

    private static string Bounded(string message)
    {
        if (message.Length <= MaxRefusalChars)
            return message;
        var cut = char.IsHighSurrogate(message[MaxRefusalChars - 1]) ? MaxRefusalChars - 1 : MaxRefusalChars;
        return string.Concat(message.AsSpan(0, cut), "…");
    }

    public static byte[]? Response(ReadOnlySpan<byte> json, Func<JsonObject, JsonObject> translate)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject response ? Json.ToUtf8(translate(response)) : null;
        }
        catch (Exception ex) when (IsShapeError(ex))
        {
            return null;
        }
    }

    public static IStreamTranslator Stream(IStreamTranslator inner) => new Guarded(inner);

    private static bool IsShapeError(Exception ex) => ex is InvalidOperationException or JsonException or FormatException;

    private sealed class Guarded(IStreamTranslator inner) : IStreamTranslator
    {
        public bool OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
        {
            try
            {
                return inner.OnEvent(eventName, data, output);
            }
            catch (Exception ex) when (IsShapeError(ex))
            {
                return false;
            }
        }
    }
}
