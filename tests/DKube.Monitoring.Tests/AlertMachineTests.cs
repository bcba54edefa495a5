namespace DKube.Monitoring.Tests;

public sealed class AlertMachineTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    private static (DateTimeOffset, double?)[] Minutes(params double?[] values) =>
        [.. values.Select((v, i) => (Start.AddMinutes(i), v))];

    [Fact]
    public void Fires_after_n_consecutive_breaches_and_resolves_when_clear()
    {
        var condition = new AlertCondition("accuracy", AlertCondition.ParseOp("<"), 0.8, consecutiveBreaches: 3);
        var history = AlertMachine.Replay(condition, Minutes(0.9, 0.7, 0.7, 0.9, 0.7, 0.7, 0.6, 0.5, 0.85, 0.9));
        Assert.Equal(
            [
                new AlertTransition(AlertTransitionKind.Fired, Start.AddMinutes(6), 0.6),
                new AlertTransition(AlertTransitionKind.Resolved, Start.AddMinutes(8), 0.85),
            ],
            history);
    }

    [Fact]
    public void Missing_values_neither_breach_nor_clear()
    {
        var condition = new AlertCondition("drift.income", ComparisonOp.GreaterThan, 0.1, 2);
        var history = AlertMachine.Replay(condition, Minutes(0.5, null, 0.5, double.NaN, 0.05));
        Assert.Equal([AlertTransitionKind.Fired, AlertTransitionKind.Resolved], history.Select(h => h.Kind));
        Assert.Equal(Start.AddMinutes(2), history[0].At);
    }

    [Fact]
    public void Step_keeps_firing_without_firing_again()
    {
        var condition = new AlertCondition("rmse", ComparisonOp.GreaterOrEqual, 2);
        var (status, fired) = AlertMachine.Step(condition, AlertStatus.Initial, Start, 2);
        Assert.Equal(AlertTransitionKind.Fired, fired!.Kind);
        (status, var again) = AlertMachine.Step(condition, status, Start.AddMinutes(1), 3);
        Assert.Null(again);
        Assert.True(status.Firing);
        Assert.Equal(Start, status.Since);
        Assert.Equal(2, status.Breaches);
    }

    [Fact]
    public void Bad_conditions_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new AlertCondition("", ComparisonOp.LessThan, 1));
        Assert.Throws<ArgumentException>(() => new AlertCondition("f1", ComparisonOp.LessThan, 1, 0));
        Assert.Throws<ArgumentException>(() => AlertCondition.ParseOp("=="));
    }
}
