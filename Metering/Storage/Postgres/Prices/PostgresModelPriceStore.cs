using Dapper;
using Metering.Ledger;
using Metering.Logs;
using Metering.Storage.Postgres.Engine;

namespace Metering.Storage.Postgres.Prices;

/// <summary>Run-time model prices in PostgreSQL, shared by every instance; each change is written with its system row in one commit.</summary>
public sealed class PostgresModelPriceStore(PostgresDatabase database, IWriteQueue writer) : IModelPriceStore
{
    public async Task<IReadOnlyList<ModelPriceOverride>> ListAsync()
    {
        await using var connection = await database.OpenAsync();
        return ModelPriceSql.Read(await connection.QueryAsync<ModelPriceSql.StoredPrice>(ModelPriceSql.List));
    }

    public Task PutAsync(ModelPriceOverride price, Func<ModelPriceOverride?, LogRecord> systemRow) =>
        writer.ExecuteAsync((connection, transaction, session) =>
        {
            session.AddRow(systemRow(ModelPriceSql.Put(connection, transaction, price)));
            return 0;
        });

    public async Task<ModelPriceOverride?> DeleteAsync(string model, Func<ModelPriceOverride, LogRecord> systemRow)
    {
        ModelPriceOverride? removed = null;
        await writer.ExecuteAsync((connection, transaction, session) =>
        {
            removed = ModelPriceSql.Remove(connection, transaction, model);
            if (removed is not null)
                session.AddRow(systemRow(removed));
            return 0;
        });
        return removed;
    }
}
