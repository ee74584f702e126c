using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Gateway.Tests.Bench.BenchFirstCollectionOrderer", "Gateway.Tests")]

namespace Gateway.Tests.Bench;

/// <summary>
/// Starts the bench smoke run's collection first and the rest in xunit's default order: the longest collection,
/// started last, ran on alone after the others had finished (measured: its last 30 s of a 6 min suite).
/// </summary>
public sealed class BenchFirstCollectionOrderer : ITestCollectionOrderer
{
    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        _default.OrderTestCollections(testCollections).OrderBy(c => c.DisplayName == BenchCollection.Name ? 0 : 1);
}
