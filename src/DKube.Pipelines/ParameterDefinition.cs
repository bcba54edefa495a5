using System.Text.Json.Nodes;

namespace DKube.Pipelines;

/// <summary>A declared parameter: KFP type (STRING, NUMBER_INTEGER, ..., TASK_FINAL_STATUS), default.</summary>
public sealed record ParameterDefinition(string Type, JsonNode? DefaultValue, bool IsOptional)
{
    /// <summary>The pipeline may be run without a value for it.</summary>
    public bool HasDefault => DefaultValue is not null || IsOptional;
}
