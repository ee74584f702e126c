namespace Gateway.Proxy.Admission;

/// <summary>
/// SPEC §9: the <c>{rest}</c> of <c>/apis/&lt;api&gt;/{**rest}</c> as the upstream path. The server has decoded
/// the path once (all but <c>%2F</c>, which Kestrel leaves encoded so it cannot split a segment). A path that
/// could climb out of the destination's own path, at that decoding or any later one an upstream might do,
/// is refused: a <c>.</c> or <c>..</c> segment, a backslash, an encoded slash or backslash. What passes is
/// re-encoded with <c>%</c> as <c>%25</c>, so the upstream decodes it back to exactly this text and
/// <see cref="Uri"/> finds no <c>%2e</c> to fold into a dot segment.
/// </summary>
internal static class PerCallPath
{
    /// <summary>Decodings tried for a hidden dot segment or slash; a path still changing after them is refused.</summary>
    private const int MaxDecodings = 8;

    /// <returns>The upstream path (leading <c>/</c>, percent-encoded), or null with <paramref name="refusal"/> set.</returns>
    public static string? ToUpstream(string rest, out Refusal? refusal)
    {
        refusal = null;
        var text = rest;
        for (var pass = 0; pass < MaxDecodings; pass++)
        {
            if (text.Contains('\\'))
                return Refuse(out refusal, "a backslash");
            if (text.Contains("%2f", StringComparison.OrdinalIgnoreCase) || text.Contains("%5c", StringComparison.OrdinalIgnoreCase))
                return Refuse(out refusal, "an encoded slash or backslash");
            foreach (var segment in text.Split('/'))
            {
                if (segment is "." or "..")
                    return Refuse(out refusal, "a '.' or '..' segment");
            }
            var decoded = Uri.UnescapeDataString(text);
            if (decoded == text)
                return new PathString("/" + rest.Replace("%", "%25", StringComparison.Ordinal)).ToUriComponent();
            text = decoded;
        }
        return Refuse(out refusal, $"more than {MaxDecodings} layers of percent-encoding");
    }

    private static string? Refuse(out Refusal? refusal, string what)
    {
        refusal = Refusal.Malformed($"The per-call path holds {what}; it must stay under the API's own path.");
        return null;
    }
}
