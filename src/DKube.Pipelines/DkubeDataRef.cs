namespace DKube.Pipelines;

/// <summary>
/// A DKube repository a step names: <see cref="Kind"/> is <c>dataset</c>, <c>featureset</c> or
/// <c>model</c>; <see cref="Name"/> the owner's name for it (or its id); <see cref="Version"/> an
/// input's version (null: the latest); <see cref="MountPath"/> where the step sees it (null: an
/// output without a mount path).
/// </summary>
public sealed record DkubeDataRef(string Kind, string Name, int? Version, string? MountPath);
