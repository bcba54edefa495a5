namespace DKube.Api.Contracts;

/// <summary>{soft, hard} of a feature's drift score or a metric.</summary>
public sealed record MonitorThresholdRequest(double? Soft, double? Hard);
