namespace DKube.Executors.Slurm.Rest;

internal sealed class SlurmNodeDto
{
    public string Name { get; init; } = "";
    public int Cpus { get; init; }
    public long RealMemory { get; init; }
    public string? Gres { get; init; }
    public string? GresUsed { get; init; }
    public string? State { get; init; }
    public IReadOnlyList<string>? Partitions { get; init; }
}
