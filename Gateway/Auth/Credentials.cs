using Microsoft.Net.Http.Headers;

namespace Gateway.Auth;

/// <summary>Where a client puts its key: <c>Authorization: Bearer</c> (OpenAI SDKs) or <c>x-api-key</c> (Anthropic SDKs).</summary>
internal static class Credentials
{
    public const string ApiKeyHeader = "x-api-key";

    public static string? Read(HttpRequest request)
    {
        if (IsBearer(request.Headers[HeaderNames.Authorization].ToString(), out var bearer))
            return bearer;
        var apiKey = request.Headers[ApiKeyHeader].ToString().Trim();
        return apiKey.Length > 0 ? apiKey : null;
    }

    /// <summary>The <c>Authorization: Bearer</c> secret alone (for routes that take no <c>x-api-key</c>).</summary>
    public static string? Bearer(HttpRequest request) =>
        IsBearer(request.Headers[HeaderNames.Authorization].ToString(), out var bearer) ? bearer : null;

    /// <returns>Whether the header is a bearer one; <paramref name="secret"/> is its non-empty secret, else null.</returns>
    private static bool IsBearer(string authorization, out string? secret)
    {
        secret = null;
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return false;
        secret = authorization["Bearer ".Length..].Trim() is { Length: > 0 } bearer ? bearer : null;
        return true;
    }
}
