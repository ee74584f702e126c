namespace Gateway.Configuration;

/// <summary>
/// One thing wrong with a model's entry: the property at fault (<c>ModelRatio</c>, <c>ImagePrices:hd-1024x1024</c>) and
/// what is wrong with it. Start-up names it as a configuration key, the admin API as a snake_case field.
/// </summary>
/// <param name="WholeEntry">The fault is the entry's (two ways of pricing), named after the entry rather than the property.</param>
internal readonly record struct ModelOptionsFailure(string Property, string Problem, bool WholeEntry = false)
{
    /// <summary>As start-up reports it: <c>Models:m:ModelRatio is negative (-1).</c></summary>
    public string ForKey(string modelKey) => WholeEntry ? $"{modelKey} {Problem}" : $"{modelKey}:{Property} {Problem}";
}
