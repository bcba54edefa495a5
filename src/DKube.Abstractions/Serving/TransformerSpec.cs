using DKube.Abstractions.Workloads;

namespace DKube.Abstractions.Serving;

/// <summary>
/// A pre/post-processing process in front of each predictor replica: <see cref="Script"/> runs in
/// the checkout of <see cref="Code"/> (its commit fixed when the deployment is made), listens on
/// <c>PORT</c> and reaches its predictor at <c>DKUBE_PREDICTOR_URL</c>; the gateway routes to it.
/// </summary>
[GenerateSerializer]
[Alias("dkube.transformer-spec")]
public sealed record TransformerSpec(
    [property: Id(0)] CodeRef Code,
    [property: Id(1)] string Script,
    [property: Id(2)] string? Image);
