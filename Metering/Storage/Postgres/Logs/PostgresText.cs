namespace Metering.Storage.Postgres.Logs;

/// <summary>Text as PostgreSQL can hold it.</summary>
internal static class PostgresText
{
    /// <summary>
    /// PostgreSQL text cannot hold U+0000 (SQLite can): a client-chosen model or message holding one would
    /// fail its whole batch, and a filter value holding one its read. It becomes U+FFFD, as the gateway
    /// already stores text it cannot keep; a filter value becomes the same, so it finds the rows stored so.
    /// </summary>
    public static string? Storable(string? value) => value is not null && value.Contains('\0') ? value.Replace('\0', '\uFFFD') : value;
}
