namespace DKube.Monitoring;

/// <summary>
/// Drift of one feature between a baseline and a live sample, by a chosen method or 'auto'.
/// 'auto' follows Evidently: with at most <see cref="SmallBaselineRows"/> baseline rows, KS for a
/// continuous feature with more than <see cref="MaxCategoricalDistinct"/> distinct values, else
/// chi-squared; above, normed Wasserstein for such continuous features, else Jensen-Shannon.
/// (Evidently uses a z-test for two-valued features; we keep chi-squared, the same question on the
/// same 2 x 2 table.) Continuous features are binned by quantiles of the baseline
/// (<see cref="DriftStatistics.DefaultBins"/> bins) for PSI and Jensen-Shannon.
/// </summary>
public static class DriftDetector
{
    /// <summary>Baseline size up to which 'auto' chooses statistical tests rather than distances.</summary>
    public const int SmallBaselineRows = 1_000;

    /// <summary>A numeric feature with at most this many distinct values (both samples pooled) is tested as categorical.</summary>
    public const int MaxCategoricalDistinct = 5;

    /// <summary>The default threshold of a test: drift when its p-value is below it.</summary>
    public const double DefaultPValueThreshold = 0.05;

    /// <summary>The default threshold of a distance: drift when it is above it.</summary>
    public const double DefaultDistanceThreshold = 0.1;

    /// <summary>The method 'auto' picks for a feature of this kind, baseline size and pooled distinct count.</summary>
    public static DriftMethod Choose(FeatureKind kind, int baselineRows, int distinctValues)
    {
        var continuous = kind == FeatureKind.Continuous && distinctValues > MaxCategoricalDistinct;
        return baselineRows <= SmallBaselineRows
            ? continuous ? DriftMethod.KolmogorovSmirnov : DriftMethod.ChiSquared
            : continuous ? DriftMethod.NormedWasserstein : DriftMethod.JensenShannon;
    }

    /// <summary>The threshold used when none is given: 0.05 for p-values, 0.1 for distances.</summary>
    public static double DefaultThreshold(DriftMethod method) =>
        method is DriftMethod.KolmogorovSmirnov or DriftMethod.ChiSquared ? DefaultPValueThreshold : DefaultDistanceThreshold;

    /// <summary>Drift of a continuous feature (no NaN; neither sample empty).</summary>
    public static DriftScore Numeric(ReadOnlySpan<double> baseline, ReadOnlySpan<double> live, DriftMethod method = DriftMethod.Auto, double? threshold = null)
    {
        return NumericSorted(SortedSamples.SortedCopy(baseline), SortedSamples.SortedCopy(live), method, threshold);
    }

    /// <summary>As <see cref="Numeric"/>, over samples already sorted ascending.</summary>
    public static DriftScore NumericSorted(ReadOnlySpan<double> baseline, ReadOnlySpan<double> live, DriftMethod method = DriftMethod.Auto, double? threshold = null)
    {
        if (baseline.IsEmpty || live.IsEmpty)
        {
            throw new ArgumentException("Drift needs a non-empty baseline and a non-empty live sample.");
        }

        if (double.IsNaN(baseline[^1]) || double.IsNaN(live[^1]))
        {
            throw new ArgumentException("Drift of a continuous feature does not accept NaN values.");
        }

        var chosen = method == DriftMethod.Auto
            ? Choose(FeatureKind.Continuous, baseline.Length, DistinctSorted(baseline, live, MaxCategoricalDistinct + 1))
            : method;
        var limit = threshold ?? DefaultThreshold(chosen);
        switch (chosen)
        {
            case DriftMethod.KolmogorovSmirnov:
                return Test(chosen, KolmogorovSmirnov.TwoSampleSorted(baseline, live), limit);
            case DriftMethod.Wasserstein:
                return Distance(chosen, DriftStatistics.WassersteinSorted(baseline, live), limit);
            case DriftMethod.NormedWasserstein:
                return Distance(chosen, DriftStatistics.NormedWassersteinSorted(baseline, live), limit);
            case DriftMethod.ChiSquared:
            case DriftMethod.JensenShannon when method == DriftMethod.Auto:
            {
                // A numeric feature with few distinct values is compared per value, as categories.
                var (a, b) = CountPerValue(baseline, live);
                return Counts(chosen, a, b, limit);
            }

            default:
            {
                var edges = DriftStatistics.QuantileEdges(baseline);
                return Counts(chosen, DriftStatistics.BinCounts(baseline, edges), DriftStatistics.BinCounts(live, edges), limit);
            }
        }
    }

    /// <summary>Drift of a categorical feature (values compared as strings, ordinal).</summary>
    public static DriftScore Categorical(IReadOnlyList<string> baseline, IReadOnlyList<string> live, DriftMethod method = DriftMethod.Auto, double? threshold = null)
    {
        if (baseline.Count == 0 || live.Count == 0)
        {
            throw new ArgumentException("Drift needs a non-empty baseline and a non-empty live sample.");
        }

        var chosen = method == DriftMethod.Auto ? Choose(FeatureKind.Categorical, baseline.Count, 0) : method;
        if (chosen is DriftMethod.KolmogorovSmirnov or DriftMethod.Wasserstein or DriftMethod.NormedWasserstein)
        {
            throw new ArgumentException($"The method {chosen} compares numbers; a categorical feature takes chi-squared, PSI or Jensen-Shannon.");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var a = new List<long>();
        var b = new List<long>();
        foreach (var value in baseline)
        {
            Count(index, a, b, value, baselineSide: true);
        }

        foreach (var value in live)
        {
            Count(index, a, b, value, baselineSide: false);
        }

        return Counts(chosen, [.. a], [.. b], threshold ?? DefaultThreshold(chosen));
    }

    private static void Count(Dictionary<string, int> index, List<long> a, List<long> b, string value, bool baselineSide)
    {
        if (!index.TryGetValue(value, out var i))
        {
            i = index.Count;
            index.Add(value, i);
            a.Add(0);
            b.Add(0);
        }

        if (baselineSide)
        {
            a[i]++;
        }
        else
        {
            b[i]++;
        }
    }

    private static DriftScore Counts(DriftMethod method, long[] baseline, long[] live, double threshold) => method switch
    {
        DriftMethod.ChiSquared => Test(method, DriftStatistics.ChiSquared(baseline, live), threshold),
        DriftMethod.Psi => Distance(method, DriftStatistics.Psi(baseline, live), threshold),
        DriftMethod.JensenShannon => Distance(method, DriftStatistics.JensenShannon(baseline, live), threshold),
        _ => throw new ArgumentException($"The method {method} does not compare counts."),
    };

    private static DriftScore Test(DriftMethod method, TestResult result, double threshold) =>
        new(method, result.Statistic, result.PValue, result.PValue, threshold, result.PValue < threshold);

    private static DriftScore Distance(DriftMethod method, double distance, double threshold) =>
        new(method, distance, null, distance, threshold, distance > threshold);

    // Distinct values of the pooled sorted samples, counted up to a cap (all 'auto' needs to know).
    private static int DistinctSorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int cap)
    {
        var distinct = 0;
        var walk = new SortedSamples(a, b);
        while (distinct < cap && walk.MoveNext())
        {
            distinct++;
        }

        return distinct;
    }

    private static (long[] Baseline, long[] Live) CountPerValue(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var countsA = new List<long>();
        var countsB = new List<long>();
        var walk = new SortedSamples(a, b);
        int lastA = 0, lastB = 0;
        while (walk.MoveNext())
        {
            countsA.Add(walk.BelowA - lastA);
            countsB.Add(walk.BelowB - lastB);
            (lastA, lastB) = (walk.BelowA, walk.BelowB);
        }

        return ([.. countsA], [.. countsB]);
    }
}
