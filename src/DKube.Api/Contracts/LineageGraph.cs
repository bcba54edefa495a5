using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>
/// GET .../versions/{v}/lineage: the version and every version it was made from, back to
/// uploaded roots (<c>uploaded: true</c>). Versions the caller may not see appear with <c>visible: false</c> and no details.
/// </summary>
public sealed record LineageGraph(VersionId Root, IReadOnlyList<LineageNode> Nodes, IReadOnlyList<LineageEdge> Edges);

public sealed record LineageNode(
    RepoKind Kind, string RepoId, int Version, bool Visible, string? Name, string? Creator, DateTimeOffset? CreatedAt,
    bool Uploaded, Lineage? Lineage, IReadOnlyList<string> UsedBy);

/// <summary>The run <see cref="Run"/> read <see cref="From"/> and made <see cref="To"/>.</summary>
public sealed record LineageEdge(VersionId From, VersionId To, string Run);

/// <summary>GET /models/{id}/compare: versions side by side, with one row per hyperparameter and metric.</summary>
public sealed record ModelComparison(
    string Model,
    IReadOnlyList<VersionView> Versions,
    IReadOnlyDictionary<string, IReadOnlyList<string?>> Hyperparameters,
    IReadOnlyDictionary<string, IReadOnlyList<double?>> Metrics);
