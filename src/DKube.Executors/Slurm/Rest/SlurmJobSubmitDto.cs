namespace DKube.Executors.Slurm.Rest;

/// <summary>Body of <c>POST /slurm/{version}/job/submit</c>.</summary>
internal sealed class SlurmJobSubmitDto
{
    public required SlurmJobDescriptionDto Job { get; init; }
    public required string Script { get; init; }
}
