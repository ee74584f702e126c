using Metering.Logs;

namespace Gateway.Api.Logs;

/// <summary>
/// Turns each distinct <c>details</c> text into its exported form once: rows of one model and group
/// carry the same few strings, and parsing and formatting them dominated the cost of a row. Bounded,
/// so memory stays flat.
/// </summary>
internal sealed class LogDetailsCache<T>(Func<LogDetails?, T> format)
{
    private const int MaxEntries = 4096;
    private readonly Dictionary<string, T> _formatted = new(StringComparer.Ordinal);
    private readonly T _none = format(null);

    public T Get(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return _none;
        if (_formatted.TryGetValue(json, out var value))
            return value;
        if (_formatted.Count >= MaxEntries)
            _formatted.Clear();
        return _formatted[json] = format(LogDetails.FromJson(json));
    }
}
