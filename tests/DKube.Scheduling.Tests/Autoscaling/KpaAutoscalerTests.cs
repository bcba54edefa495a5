using DKube.Scheduling.Autoscaling;

namespace DKube.Scheduling.Tests.Autoscaling;

/// <summary>The KPA on a clock the test moves: every tick is 2 s, as the deployment grain ticks.</summary>
public class KpaAutoscalerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(2);

    private readonly KpaAutoscaler _kpa = new(AutoscalerSettings.Default);
    private DateTimeOffset _now = Start;

    private ScaleDecision Run(TimeSpan length, double concurrency, int ready, ScaleBounds bounds)
    {
        ScaleDecision? last = null;
        for (var end = _now + length; _now < end; _now += Tick)
        {
            _kpa.Record(_now, concurrency);
            last = _kpa.Decide(_now, ready, bounds);
        }

        return last!;
    }

    [Fact]
    public void Steady_load_wants_concurrency_over_target_rounded_up()
    {
        var decision = Run(TimeSpan.FromSeconds(70), 25, ready: 3, new ScaleBounds(1, 10, 10));
        Assert.Equal(3, decision.DesiredReplicas);
        Assert.False(decision.Panicking);
        Assert.Equal(25, decision.StableConcurrency, 3);
    }

    [Fact]
    public void A_step_to_twice_the_capacity_panics_within_one_tick_and_scales_at_once()
    {
        var bounds = new ScaleBounds(1, 20, 1);
        Run(TimeSpan.FromSeconds(60), 1, ready: 1, bounds);
        _kpa.Record(_now, 50);
        var decision = _kpa.Decide(_now, 1, bounds);
        // The stable window barely moved; the panic window (6 s) sees the step within one tick.
        Assert.True(decision.Panicking);
        Assert.True(decision.DesiredReplicas >= 8, $"wanted {decision.DesiredReplicas}");
        Assert.True(decision.StableConcurrency < 5);
    }

    [Fact]
    public void Panic_never_scales_down_until_a_stable_window_passes_without_panic()
    {
        var bounds = new ScaleBounds(1, 20, 1);
        var burst = Run(TimeSpan.FromSeconds(6), 10, ready: 1, bounds);
        Assert.True(burst.Panicking);
        var wanted = burst.DesiredReplicas;
        var calm = Run(TimeSpan.FromSeconds(30), 1, ready: wanted, bounds);
        Assert.True(calm.Panicking);
        Assert.Equal(wanted, calm.DesiredReplicas);
        var after = Run(TimeSpan.FromSeconds(120), 1, ready: wanted, bounds);
        Assert.False(after.Panicking);
        Assert.Equal(1, after.DesiredReplicas);
    }

    [Fact]
    public void Scale_to_zero_waits_for_the_window_and_the_grace_period()
    {
        var bounds = new ScaleBounds(0, 5, 10);
        Run(TimeSpan.FromSeconds(20), 5, ready: 1, bounds);
        var justIdle = Run(TimeSpan.FromSeconds(20), 0, ready: 1, bounds);
        Assert.Equal(1, justIdle.DesiredReplicas);
        var idle = Run(TimeSpan.FromSeconds(60), 0, ready: 1, bounds);
        Assert.Equal(0, idle.DesiredReplicas);
    }

    [Fact]
    public void Min_replicas_hold_without_traffic_and_max_caps_a_burst()
    {
        Assert.Equal(2, Run(TimeSpan.FromSeconds(90), 0, ready: 2, new ScaleBounds(2, 4, 10)).DesiredReplicas);
        Assert.Equal(4, Run(TimeSpan.FromSeconds(10), 500, ready: 2, new ScaleBounds(2, 4, 10)).DesiredReplicas);
    }

    [Fact]
    public void A_request_to_a_deployment_at_zero_asks_for_a_replica()
    {
        var bounds = new ScaleBounds(0, 5, 10);
        Run(TimeSpan.FromSeconds(120), 0, ready: 0, bounds);
        _kpa.Record(_now, 1);
        Assert.Equal(1, _kpa.Decide(_now, 0, bounds).DesiredReplicas);
    }
}
