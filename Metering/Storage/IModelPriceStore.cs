using Metering.Logs;

namespace Metering.Storage;

/// <summary>
/// A model's price set at run time (SPEC §13): the fields of <c>Models:&lt;model&gt;</c> an operator may set, which
/// replace the model's entry in the configuration while the override exists. Ratios and prices are decimals
/// kept exactly as given (stored as decimal text, so 1.50 stays 1.50).
/// </summary>
public sealed record ModelPriceOverride(string Model, string Cluster, decimal? ModelRatio, decimal? CompletionRatio, decimal? CacheRatio,
    decimal? CacheWriteRatio, decimal? Price, string? UpstreamModel, long ChangedMs);

/// <summary>Run-time model prices. Each change is written with its system row, in one commit.</summary>
public interface IModelPriceStore
{
    /// <summary>Every override, by model name.</summary>
    Task<IReadOnlyList<ModelPriceOverride>> ListAsync();

    /// <summary>Sets the model's override, replacing any. <paramref name="systemRow"/> is given the override replaced (null: none).</summary>
    Task PutAsync(ModelPriceOverride price, Func<ModelPriceOverride?, LogRecord> systemRow);

    /// <summary>Removes the model's override; answers it, or null (and writes nothing) when there was none.</summary>
    Task<ModelPriceOverride?> DeleteAsync(string model, Func<ModelPriceOverride, LogRecord> systemRow);
}
