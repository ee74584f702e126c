using System.Buffers.Binary;

namespace Gateway.Proxy;

/// <summary>
/// Our request ids: <c>req_</c> and a UUIDv7 (time-ordered) as 32 lowercase hex digits. The random bits
/// come from <see cref="Random.Shared"/>: <see cref="Guid.CreateVersion7()"/> asks the kernel for them on
/// every call (a <c>getrandom</c> syscall per request), and an id must be unique, not secret.
/// </summary>
internal static class RequestIds
{
    public const string Prefix = "req_";

    public static string New(DateTimeOffset now)
    {
        var random = Random.Shared;
        // 48 bits of Unix milliseconds, version 7, 12 random bits; variant 10, 62 random bits (RFC 9562).
        var high = ((ulong)now.ToUnixTimeMilliseconds() << 16) | 0x7000UL | ((ulong)random.Next() & 0x0FFFUL);
        var low = 0x8000_0000_0000_0000UL | ((ulong)random.NextInt64() & 0x3FFF_FFFF_FFFF_FFFFUL);
        return string.Create(Prefix.Length + 32, (high, low), static (chars, id) =>
        {
            Span<byte> bytes = stackalloc byte[16];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, id.high);
            BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], id.low);
            Prefix.CopyTo(chars);
            Convert.TryToHexStringLower(bytes, chars[Prefix.Length..], out _);
        });
    }
}
