using Dapper;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Sqlite.Engine;
using Metering.Storage.Sqlite.Logs;

namespace Metering.Storage.Sqlite.Prices;

/// <summary>Run-time model prices in the ledger's file, each change written by the writer with its system row in one commit.</summary>
public sealed class SqliteModelPriceStore(SqliteDatabase database, IWriteQueue writer, LogRowInserter logs) : IModelPriceStore
{
    public async Task<IReadOnlyList<ModelPriceOverride>> ListAsync()
    {
        await using var connection = await database.OpenAsync();
        return ModelPriceSql.Read(await connection.QueryAsync<ModelPriceSql.StoredPrice>(ModelPriceSql.List));
    }

    public Task PutAsync(ModelPriceOverride price, Func<ModelPriceOverride?, LogRecord> systemRow) =>
        writer.ExecuteAsync((connection, transaction) => logs.Insert(connection, systemRow(ModelPriceSql.Put(connection, transaction, price))));

    public async Task<ModelPriceOverride?> DeleteAsync(string model, Func<ModelPriceOverride, LogRecord> systemRow)
    {
        ModelPriceOverride? removed = null;
        await writer.ExecuteAsync((connection, transaction) =>
        {
            removed = ModelPriceSql.Remove(connection, transaction, model);
            return removed is null ? 0 : logs.Insert(connection, systemRow(removed));
        });
        return removed;
    }
}
