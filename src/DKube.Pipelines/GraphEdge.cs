namespace DKube.Pipelines;

/// <summary>An edge from an upstream task to one that waits for it (ids are node paths).</summary>
public sealed record GraphEdge(string From, string To);
