using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Metering.Usage;

/// <summary>
/// Decodes a JSON string's raw bytes (between the quotes, escapes still in) forgivingly: an invalid UTF-8
/// sequence or a lone UTF-16 surrogate escape (<c>"\ud800"</c>) becomes U+FFFD and the rest decodes as usual.
/// System.Text.Json throws on both (<c>GetString</c>, <c>CopyString</c>), which used to drop the whole
/// prompt's or event's text from the count: one bad character could zero an 8,000-token prompt (SPEC §9).
/// </summary>
internal static class JsonText
{
    /// <summary>Decodes into <paramref name="destination"/>, which must hold <c>escaped.Length</c> chars (always enough).</summary>
    public static int Decode(ReadOnlySpan<byte> escaped, Span<char> destination)
    {
        var written = 0;
        while (true)
        {
            var backslash = escaped.IndexOf((byte)'\\');
            var plain = backslash < 0 ? escaped : escaped[..backslash];
            // Encoding.UTF8 replaces each invalid sequence with U+FFFD; a cut at '\' (ASCII) splits no valid one.
            written += Encoding.UTF8.GetChars(plain, destination[written..]);
            if (backslash < 0)
            {
                return written;
            }

            escaped = escaped[backslash..];
            written += ReadEscape(ref escaped, destination[written..]);
        }
    }

    /// <summary>Decodes to a string; for property names and other short text.</summary>
    public static string ToString(ReadOnlySpan<byte> escaped)
    {
        char[]? rented = null;
        var buffer = escaped.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(escaped.Length));
        var text = new string(buffer[..Decode(escaped, buffer)]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return text;
    }

    // On a backslash: one escape, or a \uXXXX\uXXXX surrogate pair; returns the chars written (1 or 2). The
    // JSON reader has already checked each escape's shape; anything else still decodes, as U+FFFD.
    private static int ReadEscape(ref ReadOnlySpan<byte> escaped, Span<char> destination)
    {
        if (escaped.Length < 2)
        {
            escaped = default;
            destination[0] = '\uFFFD';
            return 1;
        }

        var kind = escaped[1];
        if (kind != (byte)'u')
        {
            escaped = escaped[2..];
            destination[0] = kind switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                _ => (char)kind,   // \" \\ \/
            };
            return 1;
        }

        if (!TryReadUnit(escaped, out var unit))
        {
            escaped = escaped[2..];
            destination[0] = '\uFFFD';
            return 1;
        }

        escaped = escaped[6..];
        if (char.IsHighSurrogate(unit) && TryReadUnit(escaped, out var low) && char.IsLowSurrogate(low))
        {
            escaped = escaped[6..];
            destination[0] = unit;
            destination[1] = low;
            return 2;
        }

        destination[0] = char.IsSurrogate(unit) ? '\uFFFD' : unit;
        return 1;
    }

    // A \uXXXX escape at the start of the bytes.
    private static bool TryReadUnit(ReadOnlySpan<byte> escaped, out char unit)
    {
        unit = default;
        if (escaped.Length < 6 || escaped[0] != (byte)'\\' || escaped[1] != (byte)'u'
            || !Utf8Parser.TryParse(escaped[2..6], out ushort value, out var consumed, 'x') || consumed != 4)
        {
            return false;
        }

        unit = (char)value;
        return true;
    }
}
