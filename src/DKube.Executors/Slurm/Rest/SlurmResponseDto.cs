namespace DKube.Executors.Slurm.Rest;

/// <summary>What every slurmrestd answer carries besides its payload.</summary>
internal class SlurmResponseDto
{
    public IReadOnlyList<SlurmErrorDto>? Errors { get; init; }
}
