namespace Gateway.Tests.Fakes;

/// <summary>
/// The trait that keeps a test out of the PostgreSQL pass of the end-to-end suite (test.sh): it is about
/// SQLite itself (its file, WAL, inbox, rollup tables) or drives a gateway process on a SQLite file.
/// Filter: <c>Store!=SqliteOnly&amp;Store!=Postgres</c>.
/// </summary>
public static class StoreTraits
{
    public const string Name = "Store";
    public const string SqliteOnly = "SqliteOnly";

    /// <summary>Always on PostgreSQL, whatever <c>GATEWAY_TEST_STORE</c> says: run once, in the first pass.</summary>
    public const string Postgres = "Postgres";
}
