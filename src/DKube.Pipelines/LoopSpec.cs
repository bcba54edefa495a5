using System.Text.Json.Nodes;

namespace DKube.Pipelines;

/// <summary>
/// A ParallelFor (<c>parameterIterator</c>): the task's DAG runs once per item, the item bound to
/// its input <see cref="ItemInput"/>. Items come from an input parameter of the enclosing DAG or
/// from a raw JSON list.
/// </summary>
public sealed record LoopSpec(string ItemInput, string? InputParameter, JsonNode? Raw);
