namespace DKube.Pipelines;

/// <summary>A deployment executor: a container or an importer.</summary>
public sealed record ExecutorSpec(string Label, ContainerSpec? Container, ImporterSpec? Importer);
