namespace DKube.Grains.Live;

/// <summary>How often each cluster's agent samples what its executions use (<c>DKUBE_UTILIZATION_SECONDS</c>).</summary>
public sealed record UtilizationOptions(TimeSpan Period)
{
    /// <summary>Samples count for this many periods when no newer one comes (a silent agent's figures fade out).</summary>
    public TimeSpan ValidFor => Period * 3;
}
