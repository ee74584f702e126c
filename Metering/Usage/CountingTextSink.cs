namespace Metering.Usage;

/// <summary>
/// Counts the tokens of text as it arrives, holding at most a few thousand characters: a 100 MB stream stays
/// flat in memory. Not thread-safe.
/// </summary>
/// <remarks>
/// The text is counted in pieces cut where tiktoken's pre-tokenizer would cut anyway, so the sum matches
/// counting the whole text: before a space that follows a non-space and precedes a letter (<c>"word| next"</c>),
/// else before punctuation that follows a letter (<c>"词|。"</c>, not before an apostrophe, which o200k_base
/// joins to the word). Text with neither for <see cref="PieceChars"/> characters is cut anyway (never inside a
/// surrogate pair), which may shift the count by a token at that cut.
/// </remarks>
public sealed class CountingTextSink(TokenCounter counter) : ITextSink
{
    /// <summary>Characters buffered before a piece is counted; the most the sink ever holds.</summary>
    public const int PieceChars = 4096;

    // Grows on demand up to PieceChars: most responses report their usage and hold a few hundred
    // characters, so a full piece allocated per request (8 KB) would mostly be garbage.
    private char[] _pending = [];
    private int _length;
    private long _counted;

    /// <summary>Tokens of all the text appended so far, the held tail included.</summary>
    public long Tokens => _counted + counter.CountTokens(_pending.AsSpan(0, _length));

    /// <summary>Characters held, not yet counted for good; for tests that check memory stays flat.</summary>
    internal int HeldChars => _length;

    public void Append(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var take = Math.Min(text.Length, PieceChars - _length);
            if (_length + take > _pending.Length)
                Array.Resize(ref _pending, Math.Min(PieceChars, Math.Max(_length + take, _pending.Length * 2)));
            text[..take].CopyTo(_pending.AsSpan(_length));
            _length += take;
            text = text[take..];
            if (_length == PieceChars)
            {
                CountPiece();
            }
        }
    }

    private void CountPiece()
    {
        var cut = FindCut(_pending.AsSpan(0, _length));
        _counted += counter.CountTokens(_pending.AsSpan(0, cut));
        _pending.AsSpan(cut, _length - cut).CopyTo(_pending);
        _length -= cut;
    }

    // The last safe cut in the buffer (see remarks); the latest one keeps the held tail short.
    private static int FindCut(ReadOnlySpan<char> text)
    {
        var punctuationCut = -1;
        for (var i = text.Length - 2; i > 0; i--)
        {
            var previous = text[i - 1];
            var current = text[i];
            if (current == ' ' && !char.IsWhiteSpace(previous) && char.IsLetter(text[i + 1]))
            {
                return i;
            }

            if (punctuationCut < 0 && char.IsLetter(previous) && IsCuttablePunctuation(current))
            {
                punctuationCut = i;
            }
        }

        if (punctuationCut > 0)
        {
            return punctuationCut;
        }

        return char.IsHighSurrogate(text[^1]) ? text.Length - 1 : text.Length;
    }

    // Combining marks are not cuttable: o200k_base counts them as part of the word.
    private static bool IsCuttablePunctuation(char c) =>
        (char.IsPunctuation(c) || char.IsSymbol(c)) && c is not ('\'' or '\u2019');
}
