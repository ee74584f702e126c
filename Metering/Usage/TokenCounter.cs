using Microsoft.ML.Tokenizers;

namespace Metering.Usage;

/// <summary>
/// Counts tokens with a real tiktoken encoding, for when an upstream reports no usage. The two encodings
/// load once per process (from the bundled data packages, offline) and are immutable, so they are shared.
/// An encoding loads on its first count, not when a counter is handed out: o200k_base takes about 2 s and
/// 65 MB of RSS, and most requests never count (their upstream reports usage; see docs/BENCHMARKS.md).
/// </summary>
public sealed class TokenCounter
{
    private static readonly Lazy<TokenCounter> LazyO200kBase = new(() => new TokenCounter("o200k_base"));
    private static readonly Lazy<TokenCounter> LazyCl100kBase = new(() => new TokenCounter("cl100k_base"));

    private static readonly string[] O200kPrefixes = ["gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o", "gpt-oss"];
    // Older OpenAI models; checked after the newer ones, which share the "gpt-4" prefix.
    private static readonly string[] Cl100kPrefixes = ["gpt-4", "gpt-3.5", "gpt-35", "text-embedding-ada-002", "text-embedding-3"];

    private readonly Lazy<Tokenizer> _tokenizer;

    internal TokenCounter(string encoding)
    {
        EncodingName = encoding;
        _tokenizer = new Lazy<Tokenizer>(() => TiktokenTokenizer.CreateForEncoding(encoding));
    }

    /// <summary><c>o200k_base</c>: current OpenAI models, and the stand-in for everyone else.</summary>
    public static TokenCounter O200kBase => LazyO200kBase.Value;

    /// <summary><c>cl100k_base</c>: gpt-4, gpt-3.5 and the embedding models.</summary>
    public static TokenCounter Cl100kBase => LazyCl100kBase.Value;

    /// <summary>Whether the encoding has been loaded (by a first count).</summary>
    internal bool IsLoaded => _tokenizer.IsValueCreated;

    /// <summary>The tiktoken encoding name.</summary>
    public string EncodingName { get; }

    /// <summary>
    /// The encoding for a model name: cl100k_base for gpt-4 (not 4o/4.1/4.5), gpt-3.5 and the
    /// text-embedding models; o200k_base otherwise, including non-OpenAI models (claude-*), whose own
    /// tokenizers are not public — an estimate there, close enough for a fallback.
    /// </summary>
    public static TokenCounter ForModel(string model)
    {
        var name = Normalise(model);
        if (StartsWithAny(name, O200kPrefixes))
        {
            return O200kBase;
        }

        return StartsWithAny(name, Cl100kPrefixes) ? Cl100kBase : O200kBase;
    }

    public int CountTokens(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : _tokenizer.Value.CountTokens(text);

    // "openai/gpt-4o" (routers) and "ft:gpt-3.5-turbo:org::id" (fine-tunes) name their base model inside.
    private static ReadOnlySpan<char> Normalise(string model)
    {
        var name = model.AsSpan().Trim();
        name = name[(name.LastIndexOf('/') + 1)..];
        return name.StartsWith("ft:", StringComparison.OrdinalIgnoreCase) ? name[3..] : name;
    }

    private static bool StartsWithAny(ReadOnlySpan<char> name, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
