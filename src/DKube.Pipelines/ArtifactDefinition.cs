namespace DKube.Pipelines;

/// <summary>A declared artifact by its schema title (system.Dataset, system.Model, ...).</summary>
public sealed record ArtifactDefinition(string SchemaTitle, bool IsOptional);
