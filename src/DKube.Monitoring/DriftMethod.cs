namespace DKube.Monitoring;

/// <summary>How a feature's live distribution is compared with its baseline.</summary>
public enum DriftMethod
{
    /// <summary>Chosen per feature as Evidently does (see <see cref="DriftDetector.Choose"/>).</summary>
    Auto,

    /// <summary>Two-sample Kolmogorov-Smirnov test (continuous features); drift when p &lt; threshold (0.05).</summary>
    KolmogorovSmirnov,

    /// <summary>Chi-squared test on the 2 x k table of counts; drift when p &lt; threshold (0.05).</summary>
    ChiSquared,

    /// <summary>Population stability index over quantile bins of the baseline (or categories); drift when &gt; threshold (0.1).</summary>
    Psi,

    /// <summary>Jensen-Shannon distance, natural log, over categories or quantile bins; drift when &gt; threshold (0.1).</summary>
    JensenShannon,

    /// <summary>Wasserstein distance in the feature's own unit (continuous features); drift when &gt; threshold (0.1 unless set).</summary>
    Wasserstein,

    /// <summary>Wasserstein distance divided by the baseline's standard deviation (Evidently); drift when &gt; threshold (0.1).</summary>
    NormedWasserstein,
}
