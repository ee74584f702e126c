using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Gateway.Api;

/// <summary>Reads a JSON request body for the operator API, turning bad JSON into a 400 that says why.</summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpContext context) where T : class
    {
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, json, context.RequestAborted);
            return value is null ? (null, ApiErrors.BadRequest("body", "A JSON object is required.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiErrors.BadRequest("body", $"The body is not valid JSON for this call: {ex.Message}"));
        }
    }
}
