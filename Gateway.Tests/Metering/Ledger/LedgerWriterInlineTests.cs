using Metering.Ledger;
using Gateway.Tests.Metering.Storage;
using Metering.Storage.Sqlite.Engine;

namespace Gateway.Tests.Metering.Ledger;

/// <summary>A lone unit is committed on its caller's thread; under load units still queue and batch.</summary>
public class LedgerWriterInlineTests
{
    [Fact]
    public async Task LoneUnit_WriterIdle_CommitsOnTheCallersThread_BeforeExecuteReturns()
    {
        await using var store = TempStore.Create();
        await store.Writer.ExecuteAsync((_, _) => 0); // the writer's connection is open once a unit has gone through
        await Task.Delay(LedgerWriter.InlineAfterIdle * 5); // and it has been idle a while

        var caller = Environment.CurrentManagedThreadId;
        var ranOn = -1;
        var call = store.Writer.ExecuteAsync((_, _) =>
        {
            ranOn = Environment.CurrentManagedThreadId;
            return 42;
        });

        call.IsCompleted.Should().BeTrue("nothing was queued and no commit was running");
        ranOn.Should().Be(caller);
        (await call).Should().Be(42);
    }

    [Fact]
    public async Task ManyConcurrentUnits_EachCommitsOnce()
    {
        await using var store = TempStore.Create();
        var commits = 0;

        var results = await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i => Task.Run(() =>
            store.Writer.ExecuteAsync((_, _) => { Interlocked.Increment(ref commits); return i; }))));

        results.Should().Equal(Enumerable.Range(0, 2_000).Select(i => (long)i));
        commits.Should().Be(2_000);
    }
}
