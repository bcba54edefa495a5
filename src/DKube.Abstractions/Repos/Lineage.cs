namespace DKube.Abstractions.Repos;

/// <summary>How a version was made: by which run (and what started it), from which code, image, command, hyperparameters and inputs.</summary>
[GenerateSerializer]
[Alias("dkube.lineage")]
public sealed record Lineage(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Creator,
    [property: Id(2)] string? CodeRepo,
    [property: Id(3)] string? Commit,
    [property: Id(4)] string? Image,
    [property: Id(5)] string? Command,
    [property: Id(6)] IReadOnlyDictionary<string, string> Hyperparameters,
    [property: Id(7)] IReadOnlyList<VersionId> Inputs,
    [property: Id(8)] IReadOnlyDictionary<string, double>? Metrics = null,
    [property: Id(9)] LineageTrigger? Trigger = null);
