namespace DKube.Api.Contracts;

/// <summary>POST /runs:batch: up to <see cref="MaxRuns"/> run create bodies, each submitted on its own.</summary>
public sealed record BatchRunsRequest(IReadOnlyList<CreateRunRequest>? Runs)
{
    public const int MaxRuns = 1_000;
}
