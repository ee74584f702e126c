using Gateway.Configuration;
using Gateway.Proxy;
using Gateway.Upstream;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Tests.Gateway.Upstream;

/// <summary>
/// The breakers count a try that ran outside Polly (the closed-breaker path) as Polly would have: failed
/// answers and thrown tries both open the breaker, and an open breaker sends nothing.
/// </summary>
public class UpstreamBreakerTests
{
    private static readonly UpstreamDestination Only = new("only", "http://127.0.0.1:1/");

    private static (UpstreamResilience Resilience, UpstreamTarget Target) Start()
    {
        var options = Options.Create(new GatewayOptions { BreakerMinimumThroughput = 2, UpstreamMaxAttempts = 1 });
        var target = new UpstreamTarget("c", [Only], new HttpMessageInvoker(new HttpClientHandler()), ForwarderRequestConfig.Empty, ClientDialect.OpenAI, null);
        return (new UpstreamResilience(options, TimeProvider.System), target);
    }

    [Fact]
    public async Task ThrowingTries_OpenTheBreaker_ThenNothingIsSent()
    {
        var (resilience, target) = Start();
        var sent = 0;
        Task<UpstreamAttempt> Throwing(UpstreamDestination destination, int remaining)
        {
            sent++;
            throw new HttpRequestException("boom");
        }

        for (var i = 0; i < 2; i++)
            await FluentActions.Awaiting(() => resilience.ExecuteAsync(target, Throwing, [])).Should().ThrowAsync<HttpRequestException>();
        var third = await resilience.ExecuteAsync(target, Throwing, []);

        sent.Should().Be(2);
        third.Error.Should().Be(ForwarderError.NoAvailableDestinations);
        resilience.BreakerStates.Should().ContainSingle().Which.State.Should().Be(Polly.CircuitBreaker.CircuitState.Open);
    }

    [Fact]
    public async Task FailedAnswers_OpenTheBreaker_SuccessesKeepItClosed()
    {
        var (resilience, target) = Start();
        var sent = 0;
        Func<UpstreamDestination, int, Task<UpstreamAttempt>> Answering(int? status, ForwarderError error) => (destination, _) =>
        {
            sent++;
            return Task.FromResult(new UpstreamAttempt(destination.Id, status, error, Retryable: error != ForwarderError.None));
        };

        for (var i = 0; i < 5; i++)
            (await resilience.ExecuteAsync(target, Answering(200, ForwarderError.None), [])).Status.Should().Be(200);
        resilience.BreakerStates.Single().State.Should().Be(Polly.CircuitBreaker.CircuitState.Closed);

        // After 5 successes, the fifth failure takes the failure ratio in the window to 0.5: the breaker opens.
        for (var i = 0; i < 6; i++)
            await resilience.ExecuteAsync(target, Answering(null, ForwarderError.Request), []);
        resilience.BreakerStates.Single().State.Should().Be(Polly.CircuitBreaker.CircuitState.Open);

        var before = sent;
        (await resilience.ExecuteAsync(target, Answering(200, ForwarderError.None), [])).Error.Should().Be(ForwarderError.NoAvailableDestinations);
        sent.Should().Be(before);
    }
}
