namespace DKube.Abstractions.Monitors;

/// <summary>
/// An alert fired or resolved: what <c>GET /monitors/{id}/alerts</c> lists, what the webhook
/// receives and what the <c>monitors</c> feed carries. <see cref="Since"/> is when it happened,
/// <see cref="Value"/> the subject's value then, <see cref="Subject"/> the condition's subject.
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-alert-event")]
public sealed record AlertEvent(
    [property: Id(0)] string Monitor,
    [property: Id(1)] string Deployment,
    [property: Id(2)] string Alert,
    [property: Id(3)] string On,
    [property: Id(4)] string State,
    [property: Id(5)] DateTimeOffset Since,
    [property: Id(6)] double Value,
    [property: Id(7)] string? Subject);
