using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Fakes;

/// <summary>
/// OpenAI's stored responses, as the fake upstream keeps them: each created response gets a fresh id shaped
/// like OpenAI's (<c>resp_</c> and 48 hex digits) and answers <c>GET/DELETE /v1/responses/{id}</c>,
/// <c>POST …/cancel</c> and <c>GET …/input_items</c> in the API's shapes; an unknown id is OpenAI's 404.
/// </summary>
public sealed class FakeStoredResponses
{
    private const string Prefix = "/v1/responses/";
    private readonly ConcurrentDictionary<string, (JsonObject Response, JsonArray InputItems)> _stored = new();

    public IReadOnlyCollection<string> Ids => _stored.Keys.ToArray();

    /// <summary>Gives a created response its own id and keeps it with the request's input as its input items.</summary>
    public JsonObject Create(JsonObject response, JsonObject? request)
    {
        var id = "resp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        response["id"] = id;
        if (request?["background"]?.GetValue<bool>() == true)
            response["status"] = "queued";
        var text = request?["input"] is JsonValue input ? input.ToString() : "";
        var item = new JsonObject
        {
            ["id"] = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), ["type"] = "message", ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = text }),
        };
        _stored[id] = (response, new JsonArray(item));
        return response;
    }

    /// <returns>The answer to a call on a stored response, or null when the path is not one.</returns>
    public (int Status, JsonObject Body)? Answer(string method, string path)
    {
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var rest = path[Prefix.Length..].Split('/');
        var id = rest[0];
        if (!_stored.TryGetValue(id, out var stored))
            return (404, new JsonObject
            {
                ["error"] = new JsonObject { ["message"] = $"Response with id '{id}' not found.", ["type"] = "invalid_request_error", ["param"] = null, ["code"] = null },
            });
        return (method, rest.Length > 1 ? rest[1] : null) switch
        {
            ("GET", null) => (200, (JsonObject)stored.Response.DeepClone()),
            ("DELETE", null) => Delete(id),
            ("POST", "cancel") => Cancel(stored.Response),
            ("GET", "input_items") => (200, new JsonObject
            {
                ["object"] = "list", ["data"] = stored.InputItems.DeepClone(), ["first_id"] = stored.InputItems[0]!["id"]!.DeepClone(),
                ["last_id"] = stored.InputItems[^1]!["id"]!.DeepClone(), ["has_more"] = false,
            }),
            _ => (404, new JsonObject { ["error"] = new JsonObject { ["message"] = "Not found", ["type"] = "invalid_request_error" } }),
        };
    }

    private (int, JsonObject) Delete(string id)
    {
        _stored.TryRemove(id, out _);
        return (200, new JsonObject { ["id"] = id, ["object"] = "response", ["deleted"] = true });
    }

    // OpenAI cancels background responses only.
    private static (int, JsonObject) Cancel(JsonObject response)
    {
        if (response["status"]?.GetValue<string>() is not ("queued" or "in_progress"))
            return (400, new JsonObject { ["error"] = new JsonObject { ["message"] = "Only background responses can be cancelled.", ["type"] = "invalid_request_error" } });
        response["status"] = "cancelled";
        return (200, (JsonObject)response.DeepClone());
    }
}
