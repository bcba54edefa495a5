namespace DKube.Monitoring;

/// <summary>A score's state against its thresholds.</summary>
public enum ScoreState
{
    /// <summary>Better than the soft threshold.</summary>
    Ok,

    /// <summary>At or past the soft threshold, better than the hard one.</summary>
    Warning,

    /// <summary>At or past the hard threshold.</summary>
    Critical,
}
