using Metering.Storage.Aggregates;
using Metering.Storage;
using static Gateway.Tests.Metering.Storage.LogRows;
using Metering.Storage.Sqlite.Logs;

namespace Gateway.Tests.Metering.Storage.Aggregates;

public class LogSpanPlanTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Plan_AnyRange_RollupsAndEdgesCoverItOnceAndFreshRowsCoverTheRollups(bool hours, bool days)
    {
        var random = new Random(1);
        for (var i = 0; i < 2_000; i++)
        {
            var start = T0 + random.NextInt64(10 * Day);
            var end = start + 1 + random.NextInt64(random.Next(2) == 0 ? 2 * Hour : 5 * Day);

            var sources = LogSpanPlan.Plan(start, end, hours, days);

            var pieces = sources.Where(s => s.Kind != LogSourceKind.Fresh).OrderBy(s => s.StartMs).ToList();
            pieces[0].StartMs.Should().Be(start);
            pieces[^1].EndMs.Should().Be(end);
            foreach (var (before, after) in pieces.Zip(pieces.Skip(1)))
                after.StartMs.Should().Be(before.EndMs);
            var rolled = pieces.Where(s => s.Kind == LogSourceKind.Rollup).ToList();
            foreach (var piece in rolled)
            {
                (piece.StartMs % piece.GrainMs, piece.EndMs % piece.GrainMs).Should().Be((0L, 0L));
                piece.GrainMs.Should().Be(!days ? Hour : !hours ? Day : piece.GrainMs);
            }
            var fresh = sources.Where(s => s.Kind == LogSourceKind.Fresh).ToList();
            if (rolled.Count == 0)
                fresh.Should().BeEmpty();
            else
                fresh.Should().ContainSingle().Which.Should().Be(new LogSource(LogSourceKind.Fresh, rolled.Min(s => s.StartMs), rolled.Max(s => s.EndMs)));
        }
    }

    [Fact]
    public void Plan_WithinOneHour_RawOnly()
    {
        LogSpanPlan.Plan(T0 + 1, T0 + Hour - 1, hours: true, days: true)
            .Should().Equal(new LogSource(LogSourceKind.Raw, T0 + 1, T0 + Hour - 1));
    }
}
