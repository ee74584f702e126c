namespace Metering.Usage;

/// <summary>Parses one raw SSE event (as cut by <see cref="SseEventSplitter"/>) per the WHATWG rules.</summary>
public static class SseEvent
{
    /// <summary>
    /// Reads the <c>event</c> name (the last one wins; empty when absent) and the data of one raw event:
    /// <c>data</c> lines joined with <c>\n</c>, one space after the colon stripped. Comment lines (<c>:</c>),
    /// <c>id</c>, <c>retry</c> and unknown fields are ignored; a line without a colon is a field with an empty
    /// value. An unterminated last line counts as a line.
    /// </summary>
    /// <returns>
    /// False when the event has no <c>data</c> field, which SSE never dispatches (comments, keep-alives).
    /// </returns>
    /// <remarks>
    /// Both spans slice <paramref name="rawEvent"/>, except that several data lines are joined into a new
    /// array: the only allocation, and a rare one.
    /// </remarks>
    public static bool TryParse(ReadOnlySpan<byte> rawEvent, out ReadOnlySpan<byte> eventName, out ReadOnlySpan<byte> data)
    {
        eventName = default;
        data = default;
        var dataLines = 0;
        var joinedLength = -1;
        var rest = rawEvent.StartsWith("\uFEFF"u8) ? rawEvent[3..] : rawEvent;
        while (TryReadField(ref rest, out var name, out var value))
        {
            if (name.SequenceEqual("data"u8))
            {
                data = dataLines++ == 0 ? value : data;
                joinedLength += value.Length + 1;
            }
            else if (name.SequenceEqual("event"u8))
            {
                eventName = value;
            }
        }

        if (dataLines > 1)
        {
            data = JoinDataLines(rawEvent, joinedLength);
        }

        return dataLines > 0;
    }

    private static byte[] JoinDataLines(ReadOnlySpan<byte> rawEvent, int joinedLength)
    {
        var joined = new byte[joinedLength];
        var written = 0;
        var rest = rawEvent.StartsWith("\uFEFF"u8) ? rawEvent[3..] : rawEvent;
        while (TryReadField(ref rest, out var name, out var value))
        {
            if (!name.SequenceEqual("data"u8))
            {
                continue;
            }

            if (written > 0)
            {
                joined[written++] = (byte)'\n';
            }

            value.CopyTo(joined.AsSpan(written));
            written += value.Length;
        }

        return joined;
    }

    // Next non-empty, non-comment line as a field; false at the end of the event.
    private static bool TryReadField(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        while (!rest.IsEmpty)
        {
            var line = ReadLine(ref rest);
            if (line.IsEmpty || line[0] == (byte)':')
            {
                continue;
            }

            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                name = line;
                value = default;
                return true;
            }

            name = line[..colon];
            value = line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }

            return true;
        }

        name = value = default;
        return false;
    }

    private static ReadOnlySpan<byte> ReadLine(scoped ref ReadOnlySpan<byte> rest)
    {
        var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
        if (end < 0)
        {
            var whole = rest;
            rest = default;
            return whole;
        }

        var line = rest[..end];
        var crlf = rest[end] == (byte)'\r' && end + 1 < rest.Length && rest[end + 1] == (byte)'\n';
        rest = rest[(end + (crlf ? 2 : 1))..];
        return line;
    }
}
