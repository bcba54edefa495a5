using DKube.Abstractions.Serving;

namespace DKube.Abstractions.Monitors;

/// <summary>
/// One evaluation a monitor hands to the silo that computes it: the component over the live
/// window <c>[From, To)</c>. The computing silo reads the baseline, the prediction log and the
/// ground truth itself (they are in the shared stores), so only this small request crosses.
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-work")]
public sealed record MonitorWork(
    [property: Id(0)] string Monitor,
    [property: Id(1)] MonitorSpec Spec,
    [property: Id(2)] string Component,
    [property: Id(3)] DateTimeOffset From,
    [property: Id(4)] DateTimeOffset To,
    [property: Id(5)] DeploymentView Deployment);
