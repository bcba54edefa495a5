using MathNet.Numerics;

namespace DKube.Monitoring;

/// <summary>
/// Distribution comparisons between a baseline and a live sample, each as its scipy reference
/// computes it (scipy 1.10): chi2_contingency on the 2 x k table, jensenshannon, wasserstein_distance;
/// plus PSI and Evidently's normed Wasserstein. Counts are per category (or per bin) in the same order
/// for both samples.
/// </summary>
public static class DriftStatistics
{
    /// <summary>Share given to an empty bin in PSI, so that its logarithm stays finite (Evidently's 0.0001).</summary>
    public const double PsiEpsilon = 1e-4;

    /// <summary>Default number of quantile bins of the baseline for PSI and binned Jensen-Shannon.</summary>
    public const int DefaultBins = 10;

    /// <summary>
    /// Pearson's chi-squared test of independence on the 2 x k table (baseline counts; live counts),
    /// as scipy.stats.chi2_contingency with its default Yates correction (applied only when the table
    /// has one degree of freedom, i.e. two categories). A category empty in both samples is dropped
    /// (scipy refuses a zero expected frequency). One category only: statistic 0, p-value 1.
    /// </summary>
    public static TestResult ChiSquared(ReadOnlySpan<long> baselineCounts, ReadOnlySpan<long> liveCounts, bool yatesCorrection = true)
    {
        if (baselineCounts.Length != liveCounts.Length)
        {
            throw new ArgumentException("Both samples need a count for every category.");
        }

        var columns = new List<(double A, double B)>(baselineCounts.Length);
        double rowA = 0, rowB = 0;
        for (var i = 0; i < baselineCounts.Length; i++)
        {
            if (baselineCounts[i] < 0 || liveCounts[i] < 0)
            {
                throw new ArgumentException("Counts cannot be negative.");
            }

            if (baselineCounts[i] + liveCounts[i] > 0)
            {
                columns.Add((baselineCounts[i], liveCounts[i]));
                rowA += baselineCounts[i];
                rowB += liveCounts[i];
            }
        }

        if (rowA == 0 || rowB == 0)
        {
            throw new ArgumentException("The chi-squared test needs two non-empty samples.");
        }

        var dof = columns.Count - 1;
        if (dof == 0)
        {
            return new TestResult(0.0, 1.0);
        }

        var total = rowA + rowB;
        var statistic = 0.0;
        foreach (var row in new[] { 0, 1 })
        {
            foreach (var (a, b) in columns)
            {
                var observed = row == 0 ? a : b;
                var expected = (row == 0 ? rowA : rowB) * (a + b) / total;
                if (dof == 1 && yatesCorrection)
                {
                    var diff = expected - observed;
                    observed += Math.Min(0.5, Math.Abs(diff)) * Math.Sign(diff);
                }

                statistic += (observed - expected) * (observed - expected) / expected;
            }
        }

        return new TestResult(statistic, ChiSquaredSurvival(statistic, dof));
    }

    /// <summary>Pr(X >= x) for a chi-squared variable with the given degrees of freedom (scipy's chi2.sf).</summary>
    public static double ChiSquaredSurvival(double x, int degreesOfFreedom) =>
        x <= 0 ? 1.0 : SpecialFunctions.GammaUpperRegularized(degreesOfFreedom / 2.0, x / 2.0);

    /// <summary>
    /// Population stability index over per-bin (or per-category) counts:
    /// sum((live% - baseline%) * ln(live% / baseline%)), an empty bin's share replaced by <see cref="PsiEpsilon"/>.
    /// </summary>
    public static double Psi(ReadOnlySpan<long> baselineCounts, ReadOnlySpan<long> liveCounts)
    {
        var (baselineTotal, liveTotal) = Totals(baselineCounts, liveCounts);
        var psi = 0.0;
        for (var i = 0; i < baselineCounts.Length; i++)
        {
            var expected = baselineCounts[i] == 0 ? PsiEpsilon : baselineCounts[i] / baselineTotal;
            var actual = liveCounts[i] == 0 ? PsiEpsilon : liveCounts[i] / liveTotal;
            psi += (actual - expected) * Math.Log(actual / expected);
        }

        return psi;
    }

    /// <summary>
    /// Jensen-Shannon distance (the square root of the divergence) between the two count vectors,
    /// each normalised to sum to 1, as scipy.spatial.distance.jensenshannon: natural logarithm
    /// unless <paramref name="logBase"/> is given.
    /// </summary>
    public static double JensenShannon(ReadOnlySpan<long> baselineCounts, ReadOnlySpan<long> liveCounts, double? logBase = null)
    {
        var (baselineTotal, liveTotal) = Totals(baselineCounts, liveCounts);
        double left = 0, right = 0;
        for (var i = 0; i < baselineCounts.Length; i++)
        {
            var p = baselineCounts[i] / baselineTotal;
            var q = liveCounts[i] / liveTotal;
            var m = (p + q) / 2.0;
            left += RelativeEntropy(p, m);
            right += RelativeEntropy(q, m);
        }

        var js = left + right;
        if (logBase is { } b)
        {
            js /= Math.Log(b);
        }

        return Math.Sqrt(js / 2.0);
    }

    /// <summary>First Wasserstein (earth mover's) distance between two samples, as scipy.stats.wasserstein_distance.</summary>
    public static double Wasserstein(ReadOnlySpan<double> baseline, ReadOnlySpan<double> live)
    {
        return WassersteinSorted(SortedSamples.SortedCopy(baseline), SortedSamples.SortedCopy(live));
    }

    /// <summary>As <see cref="Wasserstein"/>, over samples already sorted ascending.</summary>
    public static double WassersteinSorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.IsEmpty || b.IsEmpty)
        {
            throw new ArgumentException("The Wasserstein distance needs two non-empty samples.");
        }

        // The integral of |F_a - F_b| between consecutive distinct values of the pooled sample.
        var distance = 0.0;
        var walk = new SortedSamples(a, b);
        while (walk.MoveNext() && !walk.Done)
        {
            distance += Math.Abs(((double)walk.BelowA / a.Length) - ((double)walk.BelowB / b.Length)) * (walk.Next - walk.Value);
        }

        return distance;
    }

    /// <summary>
    /// Evidently's normed Wasserstein: the Wasserstein distance divided by the baseline's
    /// population standard deviation (ddof 0), floored at 0.001 so a constant baseline stays finite.
    /// </summary>
    public static double NormedWassersteinSorted(ReadOnlySpan<double> baseline, ReadOnlySpan<double> live) =>
        WassersteinSorted(baseline, live) / Math.Max(StandardDeviation(baseline), 0.001);

    /// <summary>As <see cref="NormedWassersteinSorted"/>, over unsorted samples.</summary>
    public static double NormedWasserstein(ReadOnlySpan<double> baseline, ReadOnlySpan<double> live) =>
        Wasserstein(baseline, live) / Math.Max(StandardDeviation(baseline), 0.001);

    /// <summary>
    /// Interior edges of <paramref name="bins"/> quantile bins of a sorted baseline, as
    /// numpy.quantile (linear) at 1/bins, 2/bins, ...; repeated edges (ties) collapse, so fewer bins
    /// may result. A value v falls in bin "number of edges &lt;= v", so the outer bins are open-ended.
    /// </summary>
    public static double[] QuantileEdges(ReadOnlySpan<double> sortedBaseline, int bins = DefaultBins)
    {
        if (sortedBaseline.IsEmpty)
        {
            throw new ArgumentException("Quantile bins need a non-empty baseline.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var n = sortedBaseline.Length;
        var edges = new List<double>(bins - 1);
        for (var k = 1; k < bins; k++)
        {
            var q = k / (double)bins;
            // numpy's virtual index for method='linear' (alpha = beta = 1), and its lerp.
            var virtualIndex = (n * q) + (1 + (q * -1.0)) - 1;
            double value;
            if (virtualIndex >= n - 1)
            {
                value = sortedBaseline[n - 1];
            }
            else if (virtualIndex < 0)
            {
                value = sortedBaseline[0];
            }
            else
            {
                var previous = Math.Floor(virtualIndex);
                var gamma = virtualIndex - previous;
                var low = sortedBaseline[(int)previous];
                var high = sortedBaseline[(int)previous + 1];
                var diff = high - low;
                value = gamma >= 0.5 ? high - (diff * (1 - gamma)) : low + (diff * gamma);
            }

            if (edges.Count == 0 || value != edges[^1])
            {
                edges.Add(value);
            }
        }

        return [.. edges];
    }

    /// <summary>Counts of values per bin of <paramref name="edges"/> (edges.Length + 1 bins; see <see cref="QuantileEdges"/>).</summary>
    public static long[] BinCounts(ReadOnlySpan<double> values, ReadOnlySpan<double> edges)
    {
        var counts = new long[edges.Length + 1];
        foreach (var v in values)
        {
            counts[UpperBound(edges, v)]++;
        }

        return counts;
    }

    /// <summary>Population standard deviation (ddof 0), as numpy.std.</summary>
    public static double StandardDeviation(ReadOnlySpan<double> values)
    {
        var mean = 0.0;
        foreach (var v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        var squares = 0.0;
        foreach (var v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return Math.Sqrt(squares / values.Length);
    }

    private static int UpperBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static double RelativeEntropy(double x, double y) =>
        x == 0 ? 0.0 : x > 0 && y > 0 ? x * Math.Log(x / y) : double.PositiveInfinity;

    private static (double Baseline, double Live) Totals(ReadOnlySpan<long> baselineCounts, ReadOnlySpan<long> liveCounts)
    {
        if (baselineCounts.Length != liveCounts.Length)
        {
            throw new ArgumentException("Both samples need a count for every bin or category.");
        }

        double a = 0, b = 0;
        for (var i = 0; i < baselineCounts.Length; i++)
        {
            if (baselineCounts[i] < 0 || liveCounts[i] < 0)
            {
                throw new ArgumentException("Counts cannot be negative.");
            }

            a += baselineCounts[i];
            b += liveCounts[i];
        }

        if (a == 0 || b == 0)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        return (a, b);
    }
}
