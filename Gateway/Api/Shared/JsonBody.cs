using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Api.Shared;

/// <summary>
/// Reads a JSON request body for the operator API. Every way it can be wrong is a 400 whose message
/// names the field (or <c>body</c>) and the kind of value expected, never a .NET type or exception text.
/// </summary>
internal static class JsonBody
{
    /// <summary>An operator call's body is a handful of fields; anything past this is refused unread.</summary>
    public const int MaxBytes = 64 * 1024;

    // Strict where the web defaults are lenient: "5" is not a number, a field the call does not know is
    // an error instead of being dropped (a typo would silently do nothing).
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 8,
    };

    /// <param name="nulls">When given, collects the (snake_case) fields sent as JSON <c>null</c>: a PATCH clears those.</param>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpContext context, ISet<string>? nulls = null) where T : class
    {
        if (!IsJson(context.Request.ContentType))
            return (null, ApiErrors.BadRequest("body", "send a JSON object with 'Content-Type: application/json'."));
        var bytes = await ReadBoundedAsync(context.Request.Body, context.RequestAborted);
        if (bytes is null)
            return (null, ApiErrors.BadRequest("body", $"is larger than {MaxBytes} bytes."));
        if (bytes.Length == 0)
            return (null, ApiErrors.BadRequest("body", "is empty; send a JSON object."));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = Strict.MaxDepth });
        }
        catch (JsonException ex)
        {
            return (null, ApiErrors.BadRequest("body", $"is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, ApiErrors.BadRequest("body", "must be a JSON object."));
            var fields = Fields<T>.ByJsonName;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!fields.TryGetValue(property.Name, out var type))
                    return (null, UnknownField(property.Name, fields.Keys));
                if (!Fits(property.Value, type))
                    return (null, ApiErrors.BadRequest(property.Name, $"must be {Describe(type)}."));
                if (property.Value.ValueKind == JsonValueKind.Null)
                    nulls?.Add(property.Name.ToLowerInvariant());
            }
            try
            {
                return (document.RootElement.Deserialize<T>(Strict), null);
            }
            catch (JsonException ex)
            {
                // Out of the type's range (an integer past 2^63, a number past decimal's 7.9e28).
                var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
                var expected = fields.TryGetValue(field, out var type) ? Describe(type) : "a valid value";
                return (null, ApiErrors.BadRequest(field, $"must be {expected}."));
            }
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is null
        || (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)));

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Whether the JSON value is of the kind the field takes; null fits every field (it means absent).</summary>
    private static bool Fits(JsonElement value, Type type) => value.ValueKind == JsonValueKind.Null || Kind(type) switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "bool" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "strings" => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String),
        _ => true,
    };

    private static string Describe(Type type) => Kind(type) switch
    {
        "string" => "a string",
        "bool" => "true or false",
        "integer" => "an integer",
        "number" => "a finite JSON number",
        "strings" => "an array of strings",
        _ => "a valid value",
    };

    private static string Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "string";
        if (type == typeof(bool)) return "bool";
        if (type == typeof(long) || type == typeof(int)) return "integer";
        if (type == typeof(decimal) || type == typeof(double)) return "number";
        if (type == typeof(string[]) || type == typeof(List<string>)) return "strings";
        return "other";
    }

    /// <summary>
    /// An unknown field's name is client text: named back only when it looks like a field name, so a
    /// secret pasted into the wrong place is never echoed.
    /// </summary>
    private static IResult UnknownField(string name, IEnumerable<string> known)
    {
        var message = $"is not a field of this call (known: {string.Join(", ", known)}).";
        return name.Length is > 0 and <= 32 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? ApiErrors.BadRequest(name, message)
            : ApiErrors.BadRequest("body", "has a field that " + message);
    }

    private static class Fields<T>
    {
        public static readonly IReadOnlyDictionary<string, Type> ByJsonName = typeof(T)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? Strict.PropertyNamingPolicy!.ConvertName(p.Name), p => p.PropertyType,
                StringComparer.OrdinalIgnoreCase);   // as the deserializer's web defaults match names
    }
}
