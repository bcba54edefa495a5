namespace DKube.Abstractions.Workloads;

/// <summary>Keys of <see cref="WorkloadSpec.BackendOptions"/> that more than one layer reads.</summary>
public static class BackendOptionKeys
{
    /// <summary>The run's time limit in minutes; every backend enforces it.</summary>
    public const string TimeLimitMinutes = "timeLimitMinutes";
}
