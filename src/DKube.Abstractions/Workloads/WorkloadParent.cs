using System.Text.Json.Serialization;

namespace DKube.Abstractions.Workloads;

/// <summary>
/// The parent that drives a child run (a study's trial, a pipeline task, a leaderboard evaluation,
/// a deployment's replica): shown on the run as <c>{kind, id}</c>. <paramref name="Watcher"/> is
/// the parent grain, told through <see cref="IWorkloadWatcher"/> when the run ends; it is internal
/// wiring, never shown. <paramref name="Cause"/>: why the parent started it, when it says (a
/// monitor: the alert that fired); the version the run makes keeps it in its lineage.
/// </summary>
[GenerateSerializer]
[Alias("dkube.workload-parent")]
public sealed record WorkloadParent(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2), JsonIgnore] GrainId Watcher,
    [property: Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Cause = null);
