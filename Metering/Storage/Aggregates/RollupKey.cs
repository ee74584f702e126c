namespace Metering.Storage.Aggregates;

/// <summary>The dimensions of one rollup row; those its family does not have stay empty (and 0).</summary>
internal readonly record struct RollupKey(long BucketMs, string Type, long AccountId, string TokenName, string Grp, string Model)
{
    public object Dimension(string column) => column switch
    {
        "type" => Type,
        "account_id" => AccountId,
        "token_name" => TokenName,
        "grp" => Grp,
        "model" => Model,
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, "not a rollup dimension"),
    };
}

/// <summary>The columns of a log row that rollups read.</summary>
internal readonly record struct RollupRow(
    long Id, long TimeMs, string Type, long AccountId, string TokenName, string Grp, string Model, long SpendNano,
    long InputTokens, long OutputTokens, long CachedTokens, long CacheWriteTokens, long? DurationMs, long? FirstTokenMs);
