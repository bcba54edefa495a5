namespace DKube.Abstractions.Monitors;

/// <summary>
/// A monitor's life: <c>Baselining</c> while its baseline is read and its schema derived (inside
/// the create call), <c>Ready</c> once it has one, <c>Active</c> while its schedules run,
/// <c>Stopped</c> when stopped, <c>Error</c> when an evaluation cannot run at all (the baseline or
/// the deployment is gone; <c>reason</c> says which).
/// </summary>
public enum MonitorStatus
{
    Baselining,
    Ready,
    Active,
    Stopped,
    Error,
}
