using DKube.Abstractions.Workloads;

namespace DKube.Abstractions.Studies;

/// <summary>
/// One trial: the run that carries it (<c>{study}-t{index}</c>), its parameters, its status and,
/// once ended, its objective, every metric's value and the objective's intermediate values in order
/// (the data of a metric-vs-step plot). <see cref="EarlyStopped"/>: stopped by medianstop.
/// </summary>
[GenerateSerializer]
[Alias("dkube.study-trial")]
public sealed record StudyTrial(
    [property: Id(0)] int Index,
    [property: Id(1)] string Run,
    [property: Id(2)] IReadOnlyDictionary<string, string> Parameters,
    [property: Id(3)] WorkloadStatus Status,
    [property: Id(4)] double? Objective,
    [property: Id(5)] IReadOnlyDictionary<string, double> Metrics,
    [property: Id(6)] IReadOnlyList<double> Intermediate,
    [property: Id(7)] string? Tag,
    [property: Id(8)] bool Created,
    [property: Id(9)] bool EarlyStopped = false,
    [property: Id(10)] int? OutputVersion = null);
