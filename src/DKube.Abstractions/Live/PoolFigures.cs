namespace DKube.Abstractions.Live;

/// <summary>A pool's figures after a change (the <c>pools</c> topic); <c>GET /groups/{group}/pool</c> has the queue itself.</summary>
[GenerateSerializer]
[Alias("dkube.pool-figures")]
public sealed record PoolFigures(
    [property: Id(0)] string Group,
    [property: Id(1)] int Gpus,
    [property: Id(2)] int Used,
    [property: Id(3)] int Free,
    [property: Id(4)] int Queued);
