namespace DKube.Executors.Slurm.Rest;

internal sealed class SlurmSubmitResponseDto : SlurmResponseDto
{
    public long? JobId { get; init; }
}
