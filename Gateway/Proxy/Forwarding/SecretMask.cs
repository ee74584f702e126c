using System.Buffers;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// SPEC §9: replaces every occurrence of the upstream credential in a body passing through by
/// <c>***</c>, also when an occurrence is split across writes: the last <c>secret − 1</c> bytes of each
/// write wait for the next one (or for <see cref="Complete"/>).
/// </summary>
internal sealed class SecretMask
{
    private static ReadOnlySpan<byte> Stars => "***"u8;

    private readonly byte[] _secret;
    private readonly byte[] _pending;
    private int _pendingLength;

    public SecretMask(string secret)
    {
        _secret = System.Text.Encoding.UTF8.GetBytes(secret);
        _pending = new byte[_secret.Length - 1];
    }

    /// <summary>A mask for <paramref name="secret"/>, or null when there is nothing to hide.</summary>
    public static SecretMask? For(string? secret) => string.IsNullOrEmpty(secret) ? null : new SecretMask(secret);

    /// <summary>The text with every whole occurrence masked (for a row's message, read in one piece).</summary>
    public static string Apply(string text, string? secret) =>
        string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "***", StringComparison.Ordinal);

    public void Write(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var length = _pendingLength + input.Length;
        var joined = ArrayPool<byte>.Shared.Rent(length);
        _pending.AsSpan(0, _pendingLength).CopyTo(joined);
        input.CopyTo(joined.AsSpan(_pendingLength));
        var data = joined.AsSpan(0, length);
        var done = 0;
        int at;
        while ((at = data[done..].IndexOf(_secret)) >= 0)
        {
            output.Write(data.Slice(done, at));
            output.Write(Stars);
            done += at + _secret.Length;
        }
        // The tail may be the start of an occurrence that the next write completes.
        var keepFrom = Math.Max(done, length - _pending.Length);
        output.Write(data[done..keepFrom]);
        data[keepFrom..].CopyTo(_pending);
        _pendingLength = length - keepFrom;
        ArrayPool<byte>.Shared.Return(joined);
    }

    /// <summary>The body ended: what was held back cannot begin an occurrence any more.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        output.Write(_pending.AsSpan(0, _pendingLength));
        _pendingLength = 0;
    }
}
