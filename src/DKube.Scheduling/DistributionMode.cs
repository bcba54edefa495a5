namespace DKube.Scheduling;

/// <summary>How the workers of a distributed request are spread over nodes.</summary>
public enum DistributionMode
{
    /// <summary>Every worker (master included) on its own distinct node.</summary>
    Manual,

    /// <summary>Workers packed onto as few nodes as possible.</summary>
    Auto,
}
