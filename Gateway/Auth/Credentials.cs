using Microsoft.Net.Http.Headers;

namespace Gateway.Auth;

/// <summary>Where a client puts its key: <c>Authorization: Bearer</c> (OpenAI SDKs) or <c>x-api-key</c> (Anthropic SDKs).</summary>
internal static class Credentials
{
    public const string ApiKeyHeader = "x-api-key";

    public static string? Read(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim() is { Length: > 0 } bearer ? bearer : null;
        var apiKey = request.Headers[ApiKeyHeader].ToString().Trim();
        return apiKey.Length > 0 ? apiKey : null;
    }
}
