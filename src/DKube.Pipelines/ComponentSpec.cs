namespace DKube.Pipelines;

/// <summary>
/// A KFP component: its input and output definitions, and either an executor (a container or an
/// importer, by <see cref="ExecutorLabel"/>) or a nested <see cref="Dag"/>.
/// </summary>
public sealed record ComponentSpec(
    string Name,
    IReadOnlyDictionary<string, ParameterDefinition> InputParameters,
    IReadOnlyDictionary<string, ArtifactDefinition> InputArtifacts,
    IReadOnlyDictionary<string, ParameterDefinition> OutputParameters,
    IReadOnlyDictionary<string, ArtifactDefinition> OutputArtifacts,
    string? ExecutorLabel,
    DagSpec? Dag);
