namespace DKube.Abstractions.Live;

/// <summary>
/// Bytes one user's versions hold (<c>GET /storage</c>): <see cref="Bytes"/> counts each distinct
/// file content once over all their versions; the per-kind figures count it once per kind, so they
/// add up to <see cref="Bytes"/> unless the same content is in two kinds. Code is kept in git, not in
/// the version store: its figure is the bytes of code snapshots DKube stores, 0 today.
/// </summary>
[GenerateSerializer]
[Alias("dkube.user-storage")]
public sealed record UserStorage(
    [property: Id(0)] string User,
    [property: Id(1)] long Bytes,
    [property: Id(2)] long Datasets,
    [property: Id(3)] long Featuresets,
    [property: Id(4)] long Models,
    [property: Id(5)] long Code);
