using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>
/// Images and PDFs each way: OpenAI carries inline data as a <c>data:</c> URL
/// (<c>data:image/png;base64,…</c>), Anthropic as a source <c>{"type":"base64","media_type","data"}</c>;
/// a remote image is <c>{"type":"url","url"}</c> on Anthropic's side.
/// </summary>
internal static class ImageSources
{
    private const string Base64Marker = ";base64,";

    /// <summary>An Anthropic source for an OpenAI image URL (a data URL becomes base64).</summary>
    public static JsonObject FromUrl(string url)
    {
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            return new JsonObject { ["type"] = "url", ["url"] = url };
        var marker = url.IndexOf(Base64Marker, StringComparison.OrdinalIgnoreCase);
        if (marker < 0)
            throw UntranslatableException.ToAnthropic("a data: URL that is not base64");
        return new JsonObject
        {
            ["type"] = "base64",
            ["media_type"] = url["data:".Length..marker],
            ["data"] = url[(marker + Base64Marker.Length)..],
        };
    }

    /// <summary>An OpenAI URL for an Anthropic source (base64 becomes a data URL).</summary>
    public static string ToUrl(JsonNode? source)
    {
        var type = Json.String(source?["type"]);
        return type switch
        {
            "url" => Json.RequiredString(source?["url"], "source.url"),
            "base64" => $"data:{Json.RequiredString(source?["media_type"], "source.media_type")}{Base64Marker}{Json.RequiredString(source?["data"], "source.data")}",
            _ => throw UntranslatableException.ToOpenAI($"source type '{type}'"),
        };
    }
}
