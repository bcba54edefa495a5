namespace DKube.Monitoring.Tests;

public sealed class ThresholdTests
{
    [Theory]
    [InlineData(0.05, ScoreState.Ok)]
    [InlineData(0.1, ScoreState.Warning)]
    [InlineData(0.19, ScoreState.Warning)]
    [InlineData(0.2, ScoreState.Critical)]
    public void Higher_is_worse_for_drift_scores(double value, ScoreState expected) =>
        Assert.Equal(expected, Threshold.For("psi", 0.1, 0.2).Classify(value));

    [Theory]
    [InlineData(0.95, ScoreState.Ok)]
    [InlineData(0.9, ScoreState.Warning)]
    [InlineData(0.85, ScoreState.Warning)]
    [InlineData(0.8, ScoreState.Critical)]
    [InlineData(0.5, ScoreState.Critical)]
    public void Lower_is_worse_for_accuracy(double value, ScoreState expected) =>
        Assert.Equal(expected, Threshold.For("accuracy", 0.9, 0.8).Classify(value));

    [Fact]
    public void Soft_past_hard_is_refused_with_a_clear_error()
    {
        var higher = Assert.Throws<ArgumentException>(() => Threshold.For("rmse", 3, 2));
        Assert.Contains("soft threshold (3) is above the hard one (2)", higher.Message, StringComparison.Ordinal);
        var lower = Assert.Throws<ArgumentException>(() => Threshold.For("accuracy", 0.8, 0.9));
        Assert.Contains("below the hard one", lower.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Threshold(double.NaN, 1, MetricDirection.HigherIsWorse));
        Assert.Equal(MetricDirection.LowerIsWorse, MetricDirections.For("F1"));
        Assert.Equal(MetricDirection.HigherIsWorse, MetricDirections.For("latency_p99"));
    }
}
