namespace DKube.Monitoring;

/// <summary>One compared column's drift in an evaluation, with the rows each side contributed.</summary>
public sealed record FeatureDrift(string Feature, ColumnRole Role, DriftScore Score, int BaselineRows, int LiveRows);
