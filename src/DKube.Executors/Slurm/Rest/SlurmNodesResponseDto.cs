namespace DKube.Executors.Slurm.Rest;

internal sealed class SlurmNodesResponseDto : SlurmResponseDto
{
    public IReadOnlyList<SlurmNodeDto>? Nodes { get; init; }
}
