namespace DKube.Api.Contracts;

/// <summary>The baseline of a monitor: a dataset (name of the caller's or id), its version (default latest), the CSV file in it (default its only one).</summary>
public sealed record MonitorBaselineRequest(string? Dataset, int? Version, string? PredictionColumn, string? LabelColumn, string? File);
