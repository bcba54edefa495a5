namespace DKube.Monitoring;

/// <summary>One column of a feature schema: its name in the CSV, its kind and its role.</summary>
public sealed record FeatureColumn(string Name, FeatureKind Kind, ColumnRole Role);
