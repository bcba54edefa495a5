namespace DKube.Pipelines;

/// <summary>
/// A task in the pipeline's graph. <see cref="Id"/> is its path from the root DAG
/// (<c>exit-handler-1/print-op</c>); <see cref="Kind"/> is <c>container</c>, <c>importer</c> or
/// <c>dag</c> (a nested DAG, condition, loop or exit-handler group), or one of DKube's own steps
/// (<c>dkube-training</c>, <c>dkube-preprocessing</c>, <c>dkube-serving</c>, <c>dkube-storage</c>: <see cref="DkubeSteps"/>).
/// </summary>
public sealed record GraphNode(
    string Id,
    string Name,
    string DisplayName,
    string Component,
    string Kind,
    string? Parent,
    string? Image,
    string? Condition,
    bool Loop,
    bool RunsAfterFailures,
    bool Cached);
