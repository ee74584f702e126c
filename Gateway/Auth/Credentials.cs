using Microsoft.Net.Http.Headers;

namespace Gateway.Auth;

/// <summary>Where a client puts its key: <c>Authorization: Bearer</c> (OpenAI SDKs), <c>x-api-key</c> (Anthropic SDKs), or on Google's routes <c>x-goog-api-key</c> / <c>?key=</c>.</summary>
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

    /// <summary>Google's API: <c>x-goog-api-key</c>, else the <c>key</c> query parameter (its SDKs and curl examples), else the usual headers.</summary>
    public static string? ReadGoogle(HttpRequest request)
    {
        if (request.Headers[GoogleApiKeyHeader].ToString().Trim() is { Length: > 0 } header)
            return header;
        return request.Query[GoogleKeyParameter].ToString().Trim() is { Length: > 0 } query ? query : Read(request);
    }

    public const string GoogleApiKeyHeader = "x-goog-api-key";

    /// <summary>The query parameter Google's API takes a key in; stripped before anything is forwarded.</summary>
    public const string GoogleKeyParameter = "key";

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
