namespace DKube.Abstractions.Repos;

/// <summary>How a published model version is served: its serving image and an optional transformer.</summary>
[GenerateSerializer]
[Alias("dkube.serving-spec")]
public sealed record ServingSpec(
    [property: Id(0)] string ServingImage,
    [property: Id(1)] string? TransformerImage,
    [property: Id(2)] string? TransformerCommand);
