using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Fakes;

/// <summary>The text fields of a multipart upload, as the fake upstream reads them (files left out).</summary>
internal static partial class FakeMultipart
{
    [GeneratedRegex("Content-Disposition: form-data; name=\"?(?<name>[^\";\\r]+)\"?\\r\\n(?:[^\\r]+\\r\\n)*\\r\\n(?<value>[^\\r]*)\\r\\n--", RegexOptions.IgnoreCase)]
    private static partial Regex TextPart();

    public static JsonObject? TextFields(string? contentType, string body)
    {
        if (contentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
            return null;
        var fields = new JsonObject();
        foreach (Match part in TextPart().Matches(body))
        {
            var name = part.Groups["name"].Value;
            if (fields.ContainsKey(name))
                continue;
            // The fake reads numbers as numbers, like the API does.
            fields[name] = int.TryParse(part.Groups["value"].Value, out var number) ? number : part.Groups["value"].Value;
        }
        return fields;
    }
}
