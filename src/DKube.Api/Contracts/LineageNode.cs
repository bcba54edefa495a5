using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

public sealed record LineageNode(
    RepoKind Kind, string RepoId, int Version, bool Visible, string? Name, string? Creator, DateTimeOffset? CreatedAt,
    bool Uploaded, Lineage? Lineage, IReadOnlyList<string> UsedBy);
