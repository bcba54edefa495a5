namespace DKube.Monitoring;

/// <summary>How per-class precision, recall and F1 combine into one figure (scikit-learn's <c>average</c>).</summary>
public enum Averaging
{
    /// <summary>The positive label's own figure (two labels at most).</summary>
    Binary,

    /// <summary>The unweighted mean over every label seen in the truth or the predictions.</summary>
    Macro,

    /// <summary>The mean over labels weighted by each label's count in the truth.</summary>
    Weighted,
}
