using System.Text.Json.Serialization;
using DKube.Abstractions.Workloads;

namespace DKube.Abstractions.Monitors;

/// <summary>
/// An alert's retraining action: when the alert fires, a run starts from <see cref="Template"/>
/// (one at a time per alert); with <see cref="Promote"/>, the model version it completes with
/// becomes the deployment's model (the deployment's rolling change). <see cref="Run"/> is the
/// template's spec resolved for the monitor's owner when the alert was set up (references pinned
/// to ids, as a run made from the template then would have them); internal, never shown.
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-alert-retrain")]
public sealed record AlertRetrain(
    [property: Id(0)] string Template,
    [property: Id(1)] bool Promote,
    [property: Id(2), JsonIgnore] WorkloadSpec? Run = null);
