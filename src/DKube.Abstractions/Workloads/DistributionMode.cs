namespace DKube.Abstractions.Workloads;

public enum DistributionMode
{
    /// <summary>Pack workers onto as few nodes as possible.</summary>
    Auto,

    /// <summary>One worker per node.</summary>
    Manual,
}
