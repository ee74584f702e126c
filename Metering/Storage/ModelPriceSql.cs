using System.Data;
using System.Globalization;
using Dapper;

namespace Metering.Storage;

/// <summary>
/// Run-time model prices as both stores keep them (SQLite and PostgreSQL share the table and these statements).
/// Decimals are text in the invariant culture: exact, with the scale they were given.
/// </summary>
internal static class ModelPriceSql
{
    private const string Columns = """
        model AS Model, cluster AS Cluster, model_ratio AS ModelRatio, completion_ratio AS CompletionRatio, cache_ratio AS CacheRatio,
        cache_write_ratio AS CacheWriteRatio, price AS Price, upstream_model AS UpstreamModel, changed_ms AS ChangedMs
        """;

    public const string List = $"SELECT {Columns} FROM model_prices ORDER BY model";

    private const string Get = $"SELECT {Columns} FROM model_prices WHERE model = @model";

    private const string Upsert = """
        INSERT INTO model_prices (model, cluster, model_ratio, completion_ratio, cache_ratio, cache_write_ratio, price, upstream_model, changed_ms)
        VALUES (@Model, @Cluster, @ModelRatio, @CompletionRatio, @CacheRatio, @CacheWriteRatio, @Price, @UpstreamModel, @ChangedMs)
        ON CONFLICT (model) DO UPDATE SET cluster = excluded.cluster, model_ratio = excluded.model_ratio,
            completion_ratio = excluded.completion_ratio, cache_ratio = excluded.cache_ratio, cache_write_ratio = excluded.cache_write_ratio,
            price = excluded.price, upstream_model = excluded.upstream_model, changed_ms = excluded.changed_ms
        """;

    private const string Delete = $"DELETE FROM model_prices WHERE model = @model RETURNING {Columns}";

    public static IReadOnlyList<ModelPriceOverride> Read(IEnumerable<StoredPrice> rows) => rows.Select(r => r.ToOverride()).ToList();

    /// <summary>Writer thread: sets the override; answers the one it replaced.</summary>
    public static ModelPriceOverride? Put(IDbConnection connection, IDbTransaction transaction, ModelPriceOverride price)
    {
        var old = connection.QuerySingleOrDefault<StoredPrice>(Get, new { model = price.Model }, transaction);
        connection.Execute(Upsert, StoredPrice.From(price), transaction);
        return old?.ToOverride();
    }

    /// <summary>Writer thread: removes the override; answers it, or null when there was none.</summary>
    public static ModelPriceOverride? Remove(IDbConnection connection, IDbTransaction transaction, string model) =>
        connection.QuerySingleOrDefault<StoredPrice>(Delete, new { model }, transaction)?.ToOverride();

    /// <summary>A row as stored: decimals as text.</summary>
    internal sealed class StoredPrice
    {
        public string Model { get; init; } = "";
        public string Cluster { get; init; } = "";
        public string? ModelRatio { get; init; }
        public string? CompletionRatio { get; init; }
        public string? CacheRatio { get; init; }
        public string? CacheWriteRatio { get; init; }
        public string? Price { get; init; }
        public string? UpstreamModel { get; init; }
        public long ChangedMs { get; init; }

        public static StoredPrice From(ModelPriceOverride p) => new()
        {
            Model = p.Model, Cluster = p.Cluster, ModelRatio = Text(p.ModelRatio), CompletionRatio = Text(p.CompletionRatio),
            CacheRatio = Text(p.CacheRatio), CacheWriteRatio = Text(p.CacheWriteRatio), Price = Text(p.Price),
            UpstreamModel = p.UpstreamModel, ChangedMs = p.ChangedMs,
        };

        public ModelPriceOverride ToOverride() => new(Model, Cluster, Number(ModelRatio), Number(CompletionRatio), Number(CacheRatio),
            Number(CacheWriteRatio), Number(Price), UpstreamModel, ChangedMs);

        private static string? Text(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

        private static decimal? Number(string? text) => text is null ? null : decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
    }
}
