namespace DKube.Monitoring;

/// <summary>
/// A walk over the distinct values of two sorted samples pooled, ascending: after each step,
/// <see cref="Below"/>A/B count the values of each sample at or below <see cref="Value"/> (the
/// empirical CDFs' numerators, scipy's searchsorted side='right'). KS, Wasserstein and the
/// per-value counts all share this one merge.
/// </summary>
internal ref struct SortedSamples
{
    private readonly ReadOnlySpan<double> a;
    private readonly ReadOnlySpan<double> b;

    public SortedSamples(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        this.a = a;
        this.b = b;
    }

    public double Value { get; private set; }

    public int BelowA { get; private set; }

    public int BelowB { get; private set; }

    /// <summary>True when both samples are consumed.</summary>
    public readonly bool Done => BelowA == a.Length && BelowB == b.Length;

    /// <summary>The next distinct value (valid only when not <see cref="Done"/>).</summary>
    public readonly double Next => BelowA < a.Length && (BelowB >= b.Length || a[BelowA] <= b[BelowB]) ? a[BelowA] : b[BelowB];

    public static double[] SortedCopy(ReadOnlySpan<double> values)
    {
        var copy = values.ToArray();
        Array.Sort(copy);
        return copy;
    }

    public bool MoveNext()
    {
        if (Done)
        {
            return false;
        }

        var v = Next;
        var i = BelowA;
        var j = BelowB;
        while (i < a.Length && a[i] <= v)
        {
            i++;
        }

        while (j < b.Length && b[j] <= v)
        {
            j++;
        }

        (Value, BelowA, BelowB) = (v, i, j);
        return true;
    }
}
