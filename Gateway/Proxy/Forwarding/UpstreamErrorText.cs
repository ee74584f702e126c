using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// What a row's message says of an upstream body that is not the answer asked for: the error's own
/// message when it is JSON in any provider's shape, a page's title (or its first text) when it is
/// HTML (a CDN's 502 page), else the text itself; whitespace collapsed, the upstream credential
/// masked, at most <see cref="MaxLength"/> characters.
/// </summary>
internal static partial class UpstreamErrorText
{
    public const int MaxLength = 1024;

    public static string Describe(ReadOnlySpan<byte> body, string? mediaType, string? secret)
    {
        var text = SecretMask.Apply(Encoding.UTF8.GetString(body), secret);
        string described;
        try
        {
            described = (mediaType is not null && mediaType.Contains("html", StringComparison.OrdinalIgnoreCase)) || LooksLikeHtml(text)
                ? FromHtml(text)
                : FromJson(text) ?? text;
            described = Whitespace().Replace(described, " ").Trim();
        }
        catch (RegexMatchTimeoutException)
        {
            described = text;
        }
        return described.Length <= MaxLength ? described : described[..MaxLength] + "…";
    }

    /// <summary>OpenAI and Anthropic: <c>error.message</c>; others: <c>message</c>, <c>detail</c> or a string <c>error</c>.</summary>
    private static string? FromJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
                root = root[0]; // Google wraps its error in an array on some routes
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                    return error.GetString();
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var nested) && nested.ValueKind == JsonValueKind.String)
                    return nested.GetString();
            }
            foreach (var name in (ReadOnlySpan<string>)["message", "detail"])
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    return value.GetString();
            return null;
        }
        catch (JsonException)
        {
            return null; // cut at the capture's bound, or not JSON: the text itself
        }
    }

    private static string FromHtml(string html)
    {
        var title = Title().Match(html);
        if (title.Success && WebUtility.HtmlDecode(title.Groups[1].Value).Trim() is { Length: > 0 } named)
            return named;
        var body = NonText().Replace(html, " ");
        return WebUtility.HtmlDecode(Tag().Replace(body, " "));
    }

    private static bool LooksLikeHtml(string text) =>
        text.TrimStart().StartsWith('<') && text.Contains("<html", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 100)]
    private static partial Regex Title();

    [GeneratedRegex(@"<(script|style|head)\b.*?</\1\s*>|<!--.*?-->", RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 100)]
    private static partial Regex NonText();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex Whitespace();
}
