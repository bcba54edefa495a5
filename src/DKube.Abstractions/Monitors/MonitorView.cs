namespace DKube.Abstractions.Monitors;

/// <summary>
/// A monitor as the API shows it. It is visible to whoever may see its deployment
/// (<see cref="DeploymentOwner"/>, <see cref="Group"/>); <see cref="Owner"/> made it.
/// <see cref="LastEvaluated"/> holds the end of each component's last live window;
/// <see cref="Retrainings"/> the retraining runs its alerts started (the newest);
/// <see cref="LastError"/> why the last evaluation could not run (cleared by the next one that does).
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor")]
public sealed record MonitorView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Deployment,
    [property: Id(3)] string Owner,
    [property: Id(4)] string DeploymentOwner,
    [property: Id(5)] string Group,
    [property: Id(6)] string? Project,
    [property: Id(7)] MonitorStatus Status,
    [property: Id(8)] string? Reason,
    [property: Id(9)] MonitorSpec Spec,
    [property: Id(10)] IReadOnlyList<MonitorColumn> Schema,
    [property: Id(11)] long BaselineRows,
    [property: Id(12)] IReadOnlyDictionary<string, DateTimeOffset> LastEvaluated,
    [property: Id(13)] IReadOnlyList<AlertState> Alerts,
    [property: Id(14)] IReadOnlyList<WebhookDelivery> Deliveries,
    [property: Id(15)] DateTimeOffset CreatedAt,
    [property: Id(16)] DateTimeOffset? ActiveSince,
    [property: Id(17)] IReadOnlyList<MonitorRetraining>? Retrainings = null,
    [property: Id(18)] MonitorEvaluationError? LastError = null);
