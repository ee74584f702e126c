using Metering.Ledger;

namespace Gateway.Api;

/// <summary>
/// Parses <c>details</c> JSON once per distinct text during an export: rows of one model and group
/// carry the same few strings, and parsing dominated the cost of a row. Bounded, so memory stays flat.
/// </summary>
internal sealed class LogDetailsCache
{
    private const int MaxEntries = 4096;
    private readonly Dictionary<string, LogDetails?> _parsed = new(StringComparer.Ordinal);

    public LogDetails? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return null;
        if (_parsed.TryGetValue(json, out var details))
            return details;
        if (_parsed.Count >= MaxEntries)
            _parsed.Clear();
        return _parsed[json] = LogDetails.FromJson(json);
    }
}
