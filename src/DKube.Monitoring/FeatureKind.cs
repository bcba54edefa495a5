namespace DKube.Monitoring;

/// <summary>Whether a feature's values are numbers on a scale or labels of categories.</summary>
public enum FeatureKind
{
    /// <summary>Numbers compared as a distribution on the real line.</summary>
    Continuous,

    /// <summary>Labels compared as counts per category.</summary>
    Categorical,
}
