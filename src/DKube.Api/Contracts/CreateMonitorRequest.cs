namespace DKube.Api.Contracts;

/// <summary>POST /monitors (API.md, Monitors).</summary>
public sealed record CreateMonitorRequest(
    string? Name,
    string? Deployment,
    string? ModelType,
    MonitorBaselineRequest? Baseline,
    IReadOnlyList<MonitorFeatureRequest>? Features,
    MonitorDriftRequest? Drift,
    MonitorPerformanceRequest? Performance,
    MonitorHealthRequest? Health,
    IReadOnlyDictionary<string, MonitorThresholdRequest>? Thresholds,
    IReadOnlyList<MonitorAlertRequest>? Alerts,
    string? Cluster = null);
