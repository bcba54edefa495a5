namespace DKube.Executors.Slurm.Rest;

/// <summary>The few fields of a slurmrestd job the executor uses.</summary>
internal sealed class SlurmJobDto
{
    public long JobId { get; init; }
    public string? Name { get; init; }
    public string? JobState { get; init; }
    public string? StateReason { get; init; }
    public string? StateDescription { get; init; }

    /// <summary>A wait(2) status: exit code in bits 8..15, terminating signal in bits 0..6.</summary>
    public int? ExitCode { get; init; }

    public string? StandardOutput { get; init; }

    /// <summary>The job's comment (a string in 0.0.38; later versions make it an object), where DKube notes a served port.</summary>
    public System.Text.Json.JsonElement? Comment { get; init; }

    /// <summary>The nodes it runs on, e.g. <c>node1</c> or <c>node[1-2]</c>.</summary>
    public System.Text.Json.JsonElement? Nodes { get; init; }
}
