namespace DKube.Abstractions.Studies;

/// <summary>The study's model version: the output version of its best trial (whose lineage names that trial's run).</summary>
[GenerateSerializer]
[Alias("dkube.study-model")]
public sealed record StudyModel(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] string Run);
