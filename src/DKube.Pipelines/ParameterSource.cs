using System.Text.Json.Nodes;

namespace DKube.Pipelines;

/// <summary>
/// The source of a task's input parameter. <see cref="Key"/> is the enclosing input's name
/// (<see cref="ParameterSourceKind.ComponentInput"/>) or the producer's output key
/// (<see cref="ParameterSourceKind.TaskOutput"/>); <see cref="Selector"/> is KFP's
/// <c>parameterExpressionSelector</c>.
/// </summary>
public sealed record ParameterSource(
    ParameterSourceKind Kind,
    string? Key,
    string? ProducerTask,
    JsonNode? Constant,
    string? Selector);
