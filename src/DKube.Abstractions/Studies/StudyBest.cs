namespace DKube.Abstractions.Studies;

/// <summary>The best trial so far: its run, parameters and objective.</summary>
[GenerateSerializer]
[Alias("dkube.study-best")]
public sealed record StudyBest(
    [property: Id(0)] string Run,
    [property: Id(1)] IReadOnlyDictionary<string, string> Parameters,
    [property: Id(2)] double Objective);
