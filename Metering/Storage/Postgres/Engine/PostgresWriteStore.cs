using Metering.Ledger;
using Metering.Storage.Postgres.Accounts;
using Metering.Storage.Postgres.Logs;

namespace Metering.Storage.Postgres.Engine;

/// <summary>The PostgreSQL side of this instance's writer: its session on a connection of its own.</summary>
public sealed class PostgresWriteStore(PostgresDatabase database, LogPartitions partitions, AccountStates accounts,
    BalanceFreshness freshness, TimeProvider clock) : IWriteStore
{
    public IWriteSession OpenSession() => new PostgresWriteSession(database, partitions, accounts, freshness, clock);
}
