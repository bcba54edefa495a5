namespace DKube.Pipelines;

/// <summary>A pipeline document that is not valid KFP v2 IR; <see cref="Problems"/> says why.</summary>
public sealed class PipelineSpecException : Exception
{
    public PipelineSpecException(IReadOnlyList<PipelineProblem> problems)
        : base(string.Join("; ", problems))
    {
        Problems = problems;
    }

    public PipelineSpecException()
        : this([])
    {
    }

    public PipelineSpecException(string message)
        : this([new PipelineProblem("$", message)])
    {
    }

    public PipelineSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new PipelineProblem("$", message)];
    }

    public IReadOnlyList<PipelineProblem> Problems { get; }
}
