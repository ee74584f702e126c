using System.Text.Json;
using System.Text.Json.Nodes;
using Metering.Usage;

namespace Gateway.Proxy;

/// <summary>
/// The JSON body of a model call: what the pipeline needs from it (model, stream) and the rewrite
/// it gets on the way up (upstream model name; usage requested on OpenAI streams).
/// </summary>
internal sealed class ModelRequest
{
    private readonly JsonObject _json;

    private ModelRequest(JsonObject json, string model, bool stream)
    {
        _json = json;
        Model = model;
        Stream = stream;
    }

    public string Model { get; }

    public bool Stream { get; }

    /// <summary>Whether the client itself asked for the usage chunk of an OpenAI stream.</summary>
    public bool ClientAskedForUsage { get; private set; }

    public static ModelRequest Parse(ReadOnlySpan<byte> body, out Refusal? refusal)
    {
        refusal = null;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            refusal = Refusal.Malformed("The request body is not valid JSON.");
            return null!;
        }
        if (node is not JsonObject json)
        {
            refusal = Refusal.Malformed("The request body must be a JSON object.");
            return null!;
        }
        if (!json.TryGetPropertyValue("model", out var model) || model is null)
        {
            refusal = Refusal.Malformed("Missing required parameter: 'model'.");
            return null!;
        }
        if (model.GetValueKind() != JsonValueKind.String || model.GetValue<string>() is not { Length: > 0 } name)
        {
            refusal = Refusal.Malformed("'model' must be a non-empty string.");
            return null!;
        }
        var stream = json.TryGetPropertyValue("stream", out var s) && s?.GetValueKind() == JsonValueKind.True;
        return new ModelRequest(json, name, stream);
    }

    /// <summary>The body to send upstream: renamed model, and usage requested on OpenAI streams.</summary>
    public byte[] RewriteForUpstream(string upstreamModel, WireFormat format, byte[] original)
    {
        var changed = false;
        if (upstreamModel != Model)
        {
            _json["model"] = upstreamModel;
            changed = true;
        }
        if (Stream && format is WireFormat.OpenAIChat or WireFormat.OpenAICompletions)
        {
            var options = _json["stream_options"] as JsonObject;
            ClientAskedForUsage = options?["include_usage"]?.GetValueKind() == JsonValueKind.True;
            if (!ClientAskedForUsage)
            {
                if (options is null)
                    _json["stream_options"] = options = new JsonObject();
                options["include_usage"] = true;
                changed = true;
            }
        }
        return changed ? JsonSerializer.SerializeToUtf8Bytes(_json) : original;
    }
}
