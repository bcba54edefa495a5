using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>
/// GET .../versions/{v}/lineage: the version and every version it was made from, back to
/// uploaded roots (<c>uploaded: true</c>). Versions the caller may not see appear with <c>visible: false</c> and no details.
/// </summary>
public sealed record LineageGraph(VersionId Root, IReadOnlyList<LineageNode> Nodes, IReadOnlyList<LineageEdge> Edges);
