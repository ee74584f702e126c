using System.Diagnostics;

namespace Gateway.Tests.Bench;

/// <summary>Runs alone: the smoke run loads both cores, which would only slow the timing-sensitive tests beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchCollection
{
    public const string Name = "bench";
}

/// <summary>
/// Keeps <c>bench/run</c> from rotting: its quick mode builds and starts everything (nginx, bare YARP,
/// the gateway), drives each target for a second, and checks the ledger. Figures are not asserted:
/// the CI box is too noisy for that; docs/BENCHMARKS.md holds a full run.
/// </summary>
[Collection(BenchCollection.Name)]
public sealed class BenchSmokeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Run_Quick_PrintsTableAndBalancedLedger()
    {
        var script = Path.Combine(RepositoryRoot(), "bench", "run");
        var start = new ProcessStartInfo("bash", [script, "--quick"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
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
            throw new TimeoutException($"bench/run --quick ran past {Limit}:\n{await stderr}");
        }
        var output = await stdout.WaitAsync(TimeSpan.FromSeconds(30)); // a child left holding the pipe must not hang the suite

        process.ExitCode.Should().Be(0, "bench/run --quick failed:\n{0}\n{1}", output, await stderr);
        output.Should().Contain("| target | body | conns | req/s | p50 ms | p99 ms | +p50 ms | +p99 ms | CPU µs/req | RSS MB | errors |");
        output.Should().Contain("| gateway | sse | 50 |");
        output.Should().Contain("| paced SSE");
        output.Should().MatchRegex(@"ledger: balance \d+ nano-USD = start \d+ − spend \d+: yes");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "bench", "run")))
                return dir.FullName;
        throw new InvalidOperationException("bench/run not found above " + AppContext.BaseDirectory);
    }
}
