namespace DKube.Monitoring.Tests;

public sealed class DriftDetectorTests
{
    [Theory]
    [InlineData(FeatureKind.Continuous, 1000, 6, DriftMethod.KolmogorovSmirnov)]
    [InlineData(FeatureKind.Continuous, 1000, 5, DriftMethod.ChiSquared)]
    [InlineData(FeatureKind.Categorical, 1000, 50, DriftMethod.ChiSquared)]
    [InlineData(FeatureKind.Continuous, 1001, 6, DriftMethod.NormedWasserstein)]
    [InlineData(FeatureKind.Continuous, 1001, 5, DriftMethod.JensenShannon)]
    [InlineData(FeatureKind.Categorical, 1001, 50, DriftMethod.JensenShannon)]
    public void Auto_chooses_as_evidently(FeatureKind kind, int rows, int distinct, DriftMethod expected) =>
        Assert.Equal(expected, DriftDetector.Choose(kind, rows, distinct));

    [Fact]
    public void Same_distribution_does_not_drift_and_a_shift_does_for_every_method()
    {
        var baseline = Samples.Normal(1, 5000);
        var same = Samples.Normal(2, 5000);
        var shifted = Samples.Normal(3, 5000, 0.5);
        foreach (var method in new[] { DriftMethod.KolmogorovSmirnov, DriftMethod.Psi, DriftMethod.JensenShannon, DriftMethod.Wasserstein, DriftMethod.NormedWasserstein })
        {
            Assert.False(DriftDetector.Numeric(baseline, same, method).Drifted, $"{method} on the same distribution");
            Assert.True(DriftDetector.Numeric(baseline, shifted, method).Drifted, $"{method} on a shifted distribution");
        }
    }

    [Fact]
    public void Auto_uses_tests_on_small_baselines_and_distances_on_large_ones()
    {
        var small = DriftDetector.Numeric(Samples.Normal(1, 500), Samples.Normal(2, 500, 1.0));
        Assert.Equal(DriftMethod.KolmogorovSmirnov, small.Method);
        Assert.Equal(small.PValue, small.Score);
        Assert.Equal(0.05, small.Threshold);
        Assert.True(small.Drifted);

        var large = DriftDetector.Numeric(Samples.Normal(1, 5000), Samples.Normal(2, 5000, 0.05));
        Assert.Equal(DriftMethod.NormedWasserstein, large.Method);
        Assert.Null(large.PValue);
        Assert.Equal(0.1, large.Threshold);
        Assert.False(large.Drifted);

        var few = DriftDetector.Numeric(Samples.Normal(1, 5000, 0, 1, 0).Select(v => Math.Clamp(v, -1, 1)).ToArray(), Samples.Normal(2, 5000, 0, 1, 0).Select(v => Math.Clamp(v, -1, 1)).ToArray());
        Assert.Equal(DriftMethod.JensenShannon, few.Method);
    }

    [Fact]
    public void Categorical_drift_and_refusals()
    {
        var baseline = Samples.Categories(1, 3000, [0.5, 0.3, 0.2]);
        Assert.False(DriftDetector.Categorical(baseline, Samples.Categories(2, 3000, [0.5, 0.3, 0.2])).Drifted);
        var shifted = DriftDetector.Categorical(baseline, Samples.Categories(3, 3000, [0.2, 0.3, 0.5]));
        Assert.Equal(DriftMethod.JensenShannon, shifted.Method);
        Assert.True(shifted.Drifted);
        Assert.True(DriftDetector.Categorical(baseline, Samples.Categories(3, 3000, [0.2, 0.3, 0.5]), DriftMethod.Psi).Drifted);
        Assert.Throws<ArgumentException>(() => DriftDetector.Categorical(baseline, baseline, DriftMethod.KolmogorovSmirnov));
        Assert.Throws<ArgumentException>(() => DriftDetector.Numeric([], [1.0]));
        Assert.Throws<ArgumentException>(() => DriftDetector.Numeric([double.NaN], [1.0]));
    }

    [Fact]
    public void Psi_gives_empty_bins_epsilon_and_collapses_tied_edges()
    {
        // Deciles of nine 1s and a 2: eight edges at 1 collapse into one, the last interpolates.
        Assert.Equal([1.0, 1.1], DriftStatistics.QuantileEdges([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]).Select(e => Math.Round(e, 12)));
        // A live sample entirely in the lowest bin: every other bin's share is epsilon, not zero.
        var psi = DriftStatistics.Psi([5, 5], [10, 0]);
        var expected = ((1 - 0.5) * Math.Log(1 / 0.5)) + ((1e-4 - 0.5) * Math.Log(1e-4 / 0.5));
        Assert.Equal(expected, psi, 12);
    }

    [Fact]
    public void Ks_statistic_is_the_largest_cdf_gap()
    {
        var result = KolmogorovSmirnov.TwoSample([1, 2, 3, 4], [3, 4, 5, 6]);
        Assert.Equal(0.5, result.Statistic);
        Assert.Equal(1.0, KolmogorovSmirnov.TwoSample([1, 2, 3], [1, 2, 3]).PValue);
    }
}
