using System.Text;

namespace Ttft;

/// <summary>
/// Finds the <c>x_arrived</c> and <c>x_sent</c> stamps of each event in a byte stream cut anywhere: JSON
/// fields (<c>"x_sent":123</c>), or words inside a translated event's text (<c>x_sent=123</c>).
/// </summary>
internal sealed class SentStampReader
{
    private readonly StringBuilder _pending = new();

    public List<(long Arrived, long Sent)> Feed(ReadOnlySpan<byte> bytes)
    {
        _pending.Append(Encoding.UTF8.GetString(bytes));
        var found = new List<(long, long)>();
        var text = _pending.ToString();
        var end = text.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (end < 0)
            return found;
        foreach (var line in text[..end].Split('\n'))
        {
            if ((Stamp(line, "\"x_arrived\":") ?? Stamp(line, "x_arrived=")) is { } arrived
                && (Stamp(line, "\"x_sent\":") ?? Stamp(line, "x_sent=")) is { } sent)
                found.Add((arrived, sent));
        }
        _pending.Remove(0, end + 2);
        return found;
    }

    private static long? Stamp(string line, string name)
    {
        var at = line.IndexOf(name, StringComparison.Ordinal);
        if (at < 0) return null;
        var start = at + name.Length;
        var stop = start;
        while (stop < line.Length && char.IsAsciiDigit(line[stop])) stop++;
        return long.Parse(line.AsSpan(start, stop - start));
    }
}
