using System.Collections.Concurrent;
using Gateway.Configuration;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Gateway.Upstream;

/// <summary>
/// Retries before the first byte, on the next destination of the cluster, within a bounded number of
/// tries and a total time budget; one circuit breaker per destination keeps a failing one out of the
/// rotation. Only the attempt that served is ever charged: the pipeline meters once, after this returns.
/// </summary>
internal sealed class UpstreamResilience(IOptions<GatewayOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (ResiliencePipeline<UpstreamAttempt> Pipeline, CircuitBreakerStateProvider State)> _breakers = new();

    /// <summary>Breaker state per <c>cluster/destination</c>, for /metrics.</summary>
    public IEnumerable<(string Destination, CircuitState State)> BreakerStates =>
        _breakers.Select(pair => (pair.Key, pair.Value.State.CircuitState));

    /// <param name="attempt">Sends to one destination; told how many tries remain after it.</param>
    public async Task<UpstreamAttempt> ExecuteAsync(UpstreamTarget target, Func<UpstreamDestination, int, Task<UpstreamAttempt>> attempt, List<UpstreamAttempt> attempts)
    {
        var gateway = options.Value;
        var started = clock.GetTimestamp();
        var builder = new ResiliencePipelineBuilder<UpstreamAttempt> { TimeProvider = clock };
        if (gateway.UpstreamMaxAttempts > 1)
            builder.AddRetry(new RetryStrategyOptions<UpstreamAttempt>
        {
            MaxRetryAttempts = Math.Max(0, gateway.UpstreamMaxAttempts - 1),
            Delay = TimeSpan.FromMilliseconds(gateway.UpstreamRetryDelayMs),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(
                clock.GetElapsedTime(started) < TimeSpan.FromMilliseconds(gateway.UpstreamRetryBudgetMs)
                && (args.Outcome.Result?.Retryable == true || args.Outcome.Exception is BrokenCircuitException)),
        });
        var retry = builder.Build();

        try
        {
            return await retry.ExecuteAsync(async _ =>
            {
                var destination = Pick(target, attempts.Count);
                var remaining = Math.Max(0, gateway.UpstreamMaxAttempts - attempts.Count - 1);
                return await Breaker(target.ClusterId, destination.Id).Pipeline.ExecuteAsync(async _ => await attempt(destination, remaining));
            });
        }
        catch (BrokenCircuitException)
        {
            // Every destination's breaker is open: nothing was sent.
            return new UpstreamAttempt("", null, Yarp.ReverseProxy.Forwarder.ForwarderError.NoAvailableDestinations, Retryable: false);
        }
    }

    /// <summary>The n-th try goes to the n-th destination whose breaker is not open (all open: plain rotation).</summary>
    private UpstreamDestination Pick(UpstreamTarget target, int tryIndex)
    {
        var closed = target.Destinations.Where(d => Breaker(target.ClusterId, d.Id).State.CircuitState is not CircuitState.Open).ToArray();
        var pool = closed.Length > 0 ? closed : target.Destinations;
        return pool[tryIndex % pool.Count];
    }

    private (ResiliencePipeline<UpstreamAttempt> Pipeline, CircuitBreakerStateProvider State) Breaker(string cluster, string destination) =>
        _breakers.GetOrAdd($"{cluster}/{destination}", _ =>
        {
            var state = new CircuitBreakerStateProvider();
            var pipeline = new ResiliencePipelineBuilder<UpstreamAttempt> { TimeProvider = clock }
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions<UpstreamAttempt>
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = options.Value.BreakerMinimumThroughput,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(options.Value.BreakerBreakSeconds),
                    StateProvider = state,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Failed == true || args.Outcome.Exception is not null),
                })
                .Build();
            return (pipeline, state);
        });
}
