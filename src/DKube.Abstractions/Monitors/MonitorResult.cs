namespace DKube.Abstractions.Monitors;

/// <summary>
/// One evaluation of one component over the live window <c>[From, At)</c>: its scores by feature
/// or metric and how many rows it saw (requests for health, labelled predictions for
/// performance, logged instances for drift), and where it was computed (<see cref="ComputedOn"/>).
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-result")]
public sealed record MonitorResult(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] IReadOnlyDictionary<string, MonitorScore> Scores,
    [property: Id(3)] DateTimeOffset From,
    [property: Id(4)] long Rows,
    [property: Id(5)] MonitorProvenance? ComputedOn = null);
