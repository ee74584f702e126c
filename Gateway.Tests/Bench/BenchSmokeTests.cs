using System.Diagnostics;

namespace Gateway.Tests.Bench;

/// <summary>
/// The smoke run's own collection: its two tests run one after the other, beside the rest of the suite.
/// With <c>DisableParallelization</c> xunit held it back until every other collection had finished and then
/// ran it alone, adding its ~72 s to the suite's wall time. Beside the others it runs at the lowest CPU
/// priority (<see cref="RunAsync"/>), so its build and load do not slow the timing-sensitive tests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BenchCollection
{
    public const string Name = "bench";
}

/// <summary>
/// Keeps <c>bench/run</c> from rotting: its quick mode builds and starts everything (nginx, bare YARP,
/// the gateway on SQLite, a throwaway PostgreSQL with one gateway and three), drives each target for a
/// second, and checks each database's ledger. Figures are not asserted:
/// the CI box is too noisy for that; docs/BENCHMARKS.md holds a full run.
/// </summary>
[Collection(BenchCollection.Name)]
public sealed class BenchSmokeTests
{
    // A guard against a hang, not a figure: at the lowest priority the run gets only the CPU the rest of the
    // suite leaves (measured on 2 busy cores: 3 min 52 s for the quick run before it had the PostgreSQL targets; with
    // them 73-78 s on a quiet box).
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task Run_Quick_PrintsTableAndBalancedLedger()
    {
        // With the PostgreSQL targets: one instance and three sharing a database, each with its own ledger check.
        var output = await RunAsync("env", ["BENCH_PG=1", "bash", Path.Combine(RepositoryRoot(), "bench", "run"), "--quick"]);
        output.Should().Contain("| target | body | conns | req/s | p50 ms | p99 ms | +p50 ms | +p99 ms | CPU µs/req | JIT µs/req | RSS MB | errors |");
        // The JIT's share is read from the gateway's own threads: a number, never the dash the nginx target gets.
        output.Should().MatchRegex(@"\| gateway \| sse \| 50 \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.-]+ \| [\d.-]+ \| [\d.]+ \| [\d.]+ \|");
        output.Should().MatchRegex(@"\| sse ≥ 0\.90 × bare \| [\d.]+ \+ [\d.]+ \+ [\d.]+ \| [\d.-]+ µs");
        output.Should().Contain("| paced SSE");
        output.Should().MatchRegex(@"\| gateway-pg3 req/s summed, json @50 \| \d+ \| ≥ 5000 \|");
        output.Should().MatchRegex(@"ledger: gateway-pg3 rows a commit: [\d.]+");
        // The PostgreSQL server's CPU is read from its own processes: above zero while it commits rows.
        output.Should().MatchRegex(@"\| gateway-pg3 json \| \d+ \| [\d.]+ \| [1-9][\d.]* \| [\d.]+ \| [\d.]+ \|");
        foreach (var ledger in new[] { "gateway", "gateway-pg", "gateway-pg3" })
        {
            output.Should().MatchRegex($@"ledger: {ledger} answered [1-9]\d* requests; rows \d+ .*; surplus \d+ ");
            output.Should().MatchRegex($@"ledger: {ledger} balance \d+ nano-USD = start \d+ − spend [1-9]\d*: yes");
        }
    }

    /// <summary>The store's bench and SQLite's floor (docs/BENCHMARKS.md, "The store alone"), half a second each.</summary>
    [Fact]
    public async Task WriterBench_StoreAndFloor_PrintTheirLines()
    {
        var project = Path.Combine(RepositoryRoot(), "bench", "WriterBench");
        var store = await RunAsync("dotnet", ["run", "--project", project, "-c", "Release", "--", "0.5", "4", "store", "1"]);
        store.Should().MatchRegex(@"WRITER mode=store producers=4 keys=1 .* rows_per_s=\d+ .*process_cpu_us_per_row=[\d.]+");
        store.Should().NotContain("BALANCE MISMATCH");
        var floor = await RunAsync("dotnet", ["run", "--no-build", "--project", project, "-c", "Release", "--", "0.5", "0", "floor", "1"]);
        floor.Should().MatchRegex(@"FLOOR keys=1 rows=\d+ rows_per_transaction=512 .* process_cpu_us_per_row=[\d.]+");
    }

    /// <summary>The store's bench on PostgreSQL (<c>WRITER_BENCH_PG</c>), as <c>bench/writer</c> runs it beside SQLite, and its rollup mode.</summary>
    [Fact]
    [Trait(Fakes.StoreTraits.Name, Fakes.StoreTraits.Postgres)]
    public async Task WriterBench_OnPostgres_PrintsItsLines_BalancesMatchTheRows_TheFoldCoversThem()
    {
        var database = await (await Fakes.PostgresServer.SharedAsync()).CreateDatabaseAsync();
        var project = Path.Combine(RepositoryRoot(), "bench", "WriterBench");
        var output = await RunAsync("env", [$"WRITER_BENCH_PG={database}", "dotnet", "run", "--project", project, "-c", "Release", "--", "0.5", "4", "store", "1"]);
        output.Should().MatchRegex(@"WRITER store=postgres mode=store producers=4 keys=1 .* rows_per_s=[1-9]\d* ");
        output.Should().NotContain("BALANCE MISMATCH");

        // The rollup mode: one catch-up over every row it filled (docs/BENCHMARKS.md, "The rollup").
        var empty = await (await Fakes.PostgresServer.SharedAsync()).CreateDatabaseAsync();
        var rollup = await RunAsync("env", [$"WRITER_BENCH_PG={empty}", "dotnet", "run", "--no-build", "--project", project, "-c", "Release", "--", "0.5", "4", "rollup", "200"]);
        var line = System.Text.RegularExpressions.Regex.Match(rollup, @"ROLLUP store=postgres keys=200 rows=(\d+) covered=(\d+) .* wall_us_per_row=[\d.]+");
        line.Success.Should().BeTrue(rollup);
        line.Groups[2].Value.Should().Be(line.Groups[1].Value, "one catch-up folds every row filled");
    }

    /// <summary>Runs a command under <c>nice -n 19</c> (its children inherit it): the suite's other tests come first.</summary>
    private static async Task<string> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo("nice", ["-n", "19", file, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} ran past {Limit}:\n{await stderr}");
        }
        var output = await stdout.WaitAsync(TimeSpan.FromSeconds(30)); // a child left holding the pipe must not hang the suite
        process.ExitCode.Should().Be(0, "{0} failed:\n{1}\n{2}", string.Join(' ', arguments), output, await stderr);
        return output;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "bench", "run")))
                return dir.FullName;
        throw new InvalidOperationException("bench/run not found above " + AppContext.BaseDirectory);
    }
}
