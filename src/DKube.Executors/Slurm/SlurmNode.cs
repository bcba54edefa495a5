namespace DKube.Executors.Slurm;

/// <summary>One Slurm node's capacity as slurmrestd reports it.</summary>
/// <param name="Gpus">GPUs from its GRES (<c>gpu:N</c> or <c>gpu:type:N</c>, summed over types).</param>
/// <param name="GpusInUse">GPUs allocated now (from <c>gres_used</c>).</param>
public sealed record SlurmNode(
    string Name,
    int Cpus,
    long MemoryMiB,
    int Gpus,
    int GpusInUse,
    string? GpuType,
    string State,
    IReadOnlyList<string> Partitions);
