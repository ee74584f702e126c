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
/// The pipelines are built once (building one per request, with its options validation, cost ~8 % of
/// the gateway's CPU); what varies per request travels in the Polly context.
/// </summary>
internal sealed class UpstreamResilience
{
    private static readonly ResiliencePropertyKey<long> StartedKey = new("gateway.started");

    private readonly GatewayOptions _options;
    private readonly TimeProvider _clock;
    private readonly ResiliencePipeline<UpstreamAttempt> _retry;
    private readonly ConcurrentDictionary<(string Cluster, string Destination), Breaker> _breakers = new();

    public UpstreamResilience(IOptions<GatewayOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        var builder = new ResiliencePipelineBuilder<UpstreamAttempt> { TimeProvider = clock };
        if (_options.UpstreamMaxAttempts > 1)
            builder.AddRetry(new RetryStrategyOptions<UpstreamAttempt>
            {
                MaxRetryAttempts = _options.UpstreamMaxAttempts - 1,
                Delay = TimeSpan.FromMilliseconds(_options.UpstreamRetryDelayMs),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(WithinBudget(args.Context)
                    && (args.Outcome.Result?.Retryable == true || args.Outcome.Exception is BrokenCircuitException)),
            });
        _retry = builder.Build();
    }

    /// <summary>Breaker state per <c>cluster/destination</c>, for /metrics.</summary>
    public IEnumerable<(string Destination, CircuitState State)> BreakerStates =>
        _breakers.Select(pair => ($"{pair.Key.Cluster}/{pair.Key.Destination}", pair.Value.State.CircuitState));

    /// <param name="attempt">Sends to one destination; told how many tries remain after it.</param>
    public async Task<UpstreamAttempt> ExecuteAsync(UpstreamTarget target, Func<UpstreamDestination, int, Task<UpstreamAttempt>> attempt, List<UpstreamAttempt> attempts)
    {
        var context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(StartedKey, _clock.GetTimestamp());
        try
        {
            return await _retry.ExecuteAsync(static async (ResilienceContext _, (UpstreamResilience, UpstreamTarget, Func<UpstreamDestination, int, Task<UpstreamAttempt>>, List<UpstreamAttempt>) state) =>
            {
                var (self, target, attempt, attempts) = state;
                var destination = self.Pick(target, attempts.Count);
                var remaining = Math.Max(0, self._options.UpstreamMaxAttempts - attempts.Count - 1);
                return await self.BreakerOf(target.ClusterId, destination.Id).Pipeline.ExecuteAsync(
                    static async (call, _) => await call.attempt(call.destination, call.remaining), (attempt, destination, remaining));
            }, context, (this, target, attempt, attempts));
        }
        catch (BrokenCircuitException)
        {
            // Every destination's breaker is open: nothing was sent.
            return new UpstreamAttempt("", null, Yarp.ReverseProxy.Forwarder.ForwarderError.NoAvailableDestinations, Retryable: false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private bool WithinBudget(ResilienceContext context) =>
        context.Properties.TryGetValue(StartedKey, out var started)
        && _clock.GetElapsedTime(started) < TimeSpan.FromMilliseconds(_options.UpstreamRetryBudgetMs);

    /// <summary>The n-th try goes to the n-th destination whose breaker is not open (all open: plain rotation).</summary>
    private UpstreamDestination Pick(UpstreamTarget target, int tryIndex)
    {
        if (target.Destinations.Count == 1)
            return target.Destinations[0];
        var closed = target.Destinations.Where(d => BreakerOf(target.ClusterId, d.Id).State.CircuitState is not CircuitState.Open).ToArray();
        var pool = closed.Length > 0 ? closed : target.Destinations;
        return pool[tryIndex % pool.Count];
    }

    private Breaker BreakerOf(string cluster, string destination) =>
        _breakers.GetOrAdd((cluster, destination), static (_, self) => self.NewBreaker(), this);

    private Breaker NewBreaker()
    {
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<UpstreamAttempt> { TimeProvider = _clock }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<UpstreamAttempt>
            {
                FailureRatio = 0.5,
                MinimumThroughput = _options.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(_options.BreakerBreakSeconds),
                StateProvider = state,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Failed == true || args.Outcome.Exception is not null),
            })
            .Build();
        return new Breaker(pipeline, state);
    }

    private sealed record Breaker(ResiliencePipeline<UpstreamAttempt> Pipeline, CircuitBreakerStateProvider State);
}
