using DKube.Abstractions.Serving;
using DKube.Api.Gateway;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// The gateway's wait list of one deployment, driven directly (no replica process): beyond
/// <c>maxConcurrentRequests</c> a request waits, beyond the queue depth it is refused at once (the
/// gateway's 503 with Retry-After), and a freed slot goes to the longest-waiting request.
/// </summary>
public sealed class DeploymentTrafficTests
{
    private static readonly TimeSpan LongWait = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Past_the_queue_depth_a_request_is_refused_at_once_and_a_freed_slot_goes_to_the_first_waiting()
    {
        var traffic = new DeploymentTraffic("d-wait", queueDepth: 2, TimeProvider.System);
        traffic.Apply(new DeploymentRoutes(1, "alice", "g", DeploymentStatus.Running, [new RouteTarget("r1", "http://127.0.0.1:9/")],
            MaxConcurrentRequests: 1, "/", false, "m", 1));

        var inFlight = await traffic.AcquireAsync(LongWait, CancellationToken.None);
        Assert.NotNull(inFlight);
        var first = traffic.AcquireAsync(LongWait, CancellationToken.None);
        using var leaving = new CancellationTokenSource();
        var second = traffic.AcquireAsync(LongWait, leaving.Token);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.Equal(3, traffic.Load);

        // The wait list holds 2: the next is refused without waiting (the 5-minute wait never starts).
        Assert.Null(await traffic.AcquireAsync(LongWait, CancellationToken.None));
        Assert.Equal(3, traffic.Load);

        traffic.Release(inFlight);
        Assert.Same(inFlight, await first);
        Assert.False(second.IsCompleted);
        Assert.Equal(2, traffic.Load);

        // A waiting request whose caller leaves counts itself out.
        await leaving.CancelAsync();
        Assert.Null(await second);
        Assert.Equal(1, traffic.Load);
    }
}
