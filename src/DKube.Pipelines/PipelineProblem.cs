namespace DKube.Pipelines;

/// <summary>One thing wrong with a pipeline: where in the YAML (a dotted path) and what.</summary>
public sealed record PipelineProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
