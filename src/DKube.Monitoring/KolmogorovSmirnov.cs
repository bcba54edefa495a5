namespace DKube.Monitoring;

/// <summary>
/// Two-sample Kolmogorov-Smirnov test, two-sided, as scipy.stats.ks_2samp(method='auto') computes
/// it (scipy 1.10): exact when both samples have at most <see cref="MaxExactSize"/> values (the
/// statistic is then rounded to the lattice h / lcm(n1, n2), as scipy returns it), else Smirnov's
/// asymptotic distribution kstwo.sf(D, round(n1*n2/(n1+n2))). One deliberate difference: where
/// the asymptotic branch's effective n is 140 or less (one sample over 10,000 values and the other
/// tiny) scipy switches to Pomeranz's recursion; we compute the exact two-sample p-value instead.
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>Largest sample size for which 'auto' computes the exact p-value (scipy's MAX_AUTO_N).</summary>
    public const int MaxExactSize = 10_000;

    /// <summary>The test over two unsorted samples (neither empty, no NaN).</summary>
    public static TestResult TwoSample(ReadOnlySpan<double> baseline, ReadOnlySpan<double> live)
    {
        return TwoSampleSorted(SortedSamples.SortedCopy(baseline), SortedSamples.SortedCopy(live));
    }

    /// <summary>The test over two samples already sorted ascending (saves the sort when the caller keeps them sorted).</summary>
    public static TestResult TwoSampleSorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n1 = a.Length;
        var n2 = b.Length;
        if (n1 == 0 || n2 == 0)
        {
            throw new ArgumentException("The Kolmogorov-Smirnov test needs two non-empty samples.");
        }

        if (double.IsNaN(a[^1]) || double.IsNaN(b[^1]) || double.IsNaN(a[0]) || double.IsNaN(b[0]))
        {
            throw new ArgumentException("The Kolmogorov-Smirnov test does not accept NaN values.");
        }

        // The empirical CDFs compared at every observed value (scipy's searchsorted side='right'):
        // walking both sorted samples over the distinct values gives the same differences.
        double maxDiff = double.NegativeInfinity, minDiff = double.PositiveInfinity;
        var walk = new SortedSamples(a, b);
        while (walk.MoveNext())
        {
            var diff = ((double)walk.BelowA / n1) - ((double)walk.BelowB / n2);
            maxDiff = Math.Max(maxDiff, diff);
            minDiff = Math.Min(minDiff, diff);
        }

        var minS = Math.Clamp(-minDiff, 0.0, 1.0);
        var d = minS > maxDiff ? minS : maxDiff;
        if (Math.Max(n1, n2) <= MaxExactSize && TryExact(n1, n2, d, out var exactD, out var exactP))
        {
            return new TestResult(exactD, exactP);
        }

        var (m, n) = n1 >= n2 ? ((double)n1, (double)n2) : (n2, n1);
        var en = (int)Math.Round(m * n / (m + n), MidpointRounding.ToEven);
        if (en <= 140 && TryExact(n1, n2, d, out exactD, out exactP))
        {
            return new TestResult(exactD, exactP);
        }

        return new TestResult(d, Math.Clamp(KolmogorovDistribution.Survival(en, d), 0.0, 1.0));
    }

    private static bool TryExact(int n1, int n2, double d, out double roundedD, out double p)
    {
        var g = Gcd(n1, n2);
        var lcm = (long)(n1 / g) * n2;
        var h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
        roundedD = h / (double)lcm;
        if (h == 0)
        {
            p = 1.0;
            return true;
        }

        p = n1 == n2 ? ProbabilityOutsideSquare(n1, h) : OuterProbabilityInside(n1, n2, g, h);
        return double.IsFinite(p) && p >= 0 && p <= 1;
    }

    // Pr(D_{n,n} >= h/n) by the Horner-like alternating sum scipy uses (_compute_prob_outside_square).
    private static double ProbabilityOutsideSquare(int n, long h)
    {
        var p = 0.0;
        var k = (long)Math.Floor(n / (double)h);
        while (k >= 0)
        {
            var p1 = 1.0;
            for (long j = 0; j < h; j++)
            {
                p1 = (n - (k * h) - j) * p1 / (n + (k * h) + j + 1);
            }

            p = p1 * (1.0 - p);
            k--;
        }

        return 2 * p;
    }

    // The share of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm,
    // one sliding column at a time, each entry already divided by its binomial coefficient
    // (scipy's _compute_outer_prob_inside_method).
    private static double OuterProbabilityInside(int m, int n, int g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        long mg = m / g, ng = n / g;
        var minj = 0;
        var maxj = (int)Math.Min(Math.Ceiling(h / (double)mg), n + 1);
        var curlen = maxj - minj;
        var lenA = Math.Min((2 * maxj) + 2, n + 1);
        var column = new double[lenA];
        Array.Fill(column, 1.0);
        Array.Fill(column, 0.0, minj, maxj - minj);
        for (var i = 1; i <= m; i++)
        {
            var lastminj = minj;
            var lastlen = curlen;
            minj = Math.Max((int)Math.Floor(((ng * i) - h) / (double)mg) + 1, 0);
            minj = Math.Min(minj, n);
            maxj = (int)Math.Min(Math.Ceiling(((ng * i) + h) / (double)mg), n + 1);
            if (maxj <= minj)
            {
                return 1.0;
            }

            var val = minj == 0 ? 0.0 : 1.0;
            for (var jj = 0; jj < maxj - minj; jj++)
            {
                var j = jj + minj;
                val = ((column[jj + minj - lastminj] * i) + (val * j)) / (i + j);
                column[jj] = val;
            }

            curlen = maxj - minj;
            if (lastlen > curlen)
            {
                Array.Fill(column, 1.0, curlen, Math.Min(lastlen - curlen, lenA - curlen));
            }
        }

        return column[maxj - minj - 1];
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
