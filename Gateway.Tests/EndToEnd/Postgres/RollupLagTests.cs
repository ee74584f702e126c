using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Gateway.Tests.Fakes;
using Gateway.Tests.Metering.Storage.Postgres;
using Npgsql;

namespace Gateway.Tests.EndToEnd.Postgres;

/// <summary>
/// What an operator sees when a transaction left open on PostgreSQL holds the rollups back: the rows keep
/// committing above it, the watermark waits below it, and /metrics' gateway_rollup_lag_ids grows until it
/// ends. A gateway process of its own: the gauge is process-wide, and other tests' in-process gateways set it too.
/// </summary>
[Trait(StoreTraits.Name, StoreTraits.Postgres)]
public sealed partial class RollupLagTests
{
    [Fact]
    public async Task TransactionLeftOpen_RollupsWaitBelowIt_MetricsShowTheLag_ThenCatchUp()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(WorkingDirectory(), "unused.db"), upstream.BaseAddress,
            connectionString: database, settings: new Dictionary<string, string> { ["Gateway:LogMaintenance:RollupInterval"] = "00:00:00.2" });
        using var admin = new HttpClient { BaseAddress = gateway.Address };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.AdminKey);

        // A batch as the writer opens one (its uuid first, then its row), left open; three more commit above it.
        await using var open = new NpgsqlConnection(database);
        await open.OpenAsync();
        await using var held = await open.BeginTransactionAsync();
        var heldId = await HandWrittenRow.WriteAsync(open, held, Now);
        for (var i = 0; i < 3; i++)
        {
            await using var other = new NpgsqlConnection(database);
            await other.OpenAsync();
            await using var committed = await other.BeginTransactionAsync();
            await HandWrittenRow.WriteAsync(other, committed, Now);
            await committed.CommitAsync();
        }

        await Eventually.HoldsAsync(async () => await LagAsync(admin) >= 4);
        (await ScalarAsync(database, "SELECT last_id FROM log_rollup_state")).Should().BeLessThan(heldId);

        await held.CommitAsync();

        await Eventually.HoldsAsync(async () => await LagAsync(admin) == 0);
        (await ScalarAsync(database, "SELECT SUM(requests) FROM log_rollup_group_day")).Should().Be(4);
    }

    /// <summary>The process's working folder: one for every run of this test, emptied first (a past run's is never left to grow).</summary>
    private static string WorkingDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "gateway-tests", nameof(RollupLagTests));
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The gauge's value, or -1 before the first rollup pass has set it.</summary>
    private static async Task<long> LagAsync(HttpClient admin)
    {
        var match = LagLine().Match(await admin.GetStringAsync("/metrics"));
        return match.Success ? (long)double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [GeneratedRegex(@"^gateway_rollup_lag_ids (\S+)$", RegexOptions.Multiline)]
    private static partial Regex LagLine();
}
