namespace DKube.Abstractions.Monitors;

/// <summary>
/// One evaluation of one component over the live window <c>[From, At)</c>: its scores by feature
/// or metric and how many rows it saw (requests for health, labelled predictions for
/// performance, logged instances for drift), and where it was computed (<see cref="ComputedOn"/>).
/// <see cref="Source"/> says where the live data came from (<c>gateway</c>: the requests served
/// here; <c>posted</c>: the predictions posted to an imported deployment); <see cref="Note"/> says
/// what the evaluation could not compute and why (nothing posted in the window, posted records
/// without a status or latency), null when it computed everything its data allows.
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-result")]
public sealed record MonitorResult(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] IReadOnlyDictionary<string, MonitorScore> Scores,
    [property: Id(3)] DateTimeOffset From,
    [property: Id(4)] long Rows,
    [property: Id(5)] MonitorProvenance? ComputedOn = null,
    [property: Id(6)] string? Source = null,
    [property: Id(7)] string? Note = null);
