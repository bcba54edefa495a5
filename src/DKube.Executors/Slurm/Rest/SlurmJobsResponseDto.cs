namespace DKube.Executors.Slurm.Rest;

internal sealed class SlurmJobsResponseDto : SlurmResponseDto
{
    public IReadOnlyList<SlurmJobDto>? Jobs { get; init; }
}
