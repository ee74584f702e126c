namespace Gateway.Tests.EndToEnd;

/// <summary>
/// Tests that read Redis's process-wide metrics (the Prometheus registry is shared by every host in the
/// test process) run one at a time, so one test's outage is not another's reading.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection
{
    public const string Name = "Redis";
}
