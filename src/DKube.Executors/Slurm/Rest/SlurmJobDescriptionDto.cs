namespace DKube.Executors.Slurm.Rest;

/// <summary>The job properties of a submission (v0.0.38 names); nulls are left out of the JSON.</summary>
internal sealed class SlurmJobDescriptionDto
{
    public required string Name { get; init; }
    public string? Comment { get; init; }

    /// <summary>[min, max] node count.</summary>
    public IReadOnlyList<int>? Nodes { get; init; }

    public int? Tasks { get; init; }
    public int? TasksPerNode { get; init; }
    public int? CpusPerTask { get; init; }
    public long? MemoryPerNode { get; init; }
    public string? Gres { get; init; }
    public string? Partition { get; init; }
    public string? Account { get; init; }
    public string? Qos { get; init; }

    /// <summary>Minutes.</summary>
    public int? TimeLimit { get; init; }

    public string? Constraints { get; init; }
    public string? Reservation { get; init; }
    public int? Nice { get; init; }
    public string? Wckey { get; init; }
    public bool? Requeue { get; init; }
    public required string CurrentWorkingDirectory { get; init; }
    public required string StandardOutput { get; init; }
    public required IReadOnlyDictionary<string, string> Environment { get; init; }
}
