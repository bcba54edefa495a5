namespace DKube.Abstractions.Monitors;

/// <summary>
/// An alert on one component: breached by an evaluation in which any of its conditions holds,
/// fired after <see cref="Breaches"/> breaching evaluations in a row, resolved by the first that
/// does not breach. A firing or a resolution is POSTed to <see cref="Webhook"/> (retried) and
/// published on the <c>monitors</c> feed; a firing may start a retraining (<see cref="Retrain"/>).
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-alert-spec")]
public sealed record AlertSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string On,
    [property: Id(2)] IReadOnlyList<AlertConditionSpec> Conditions,
    [property: Id(3)] int Breaches,
    [property: Id(4)] string? Webhook,
    [property: Id(5)] AlertRetrain? Retrain = null);
