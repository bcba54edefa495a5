using DKube.Abstractions.Studies;
using DKube.Abstractions.Workloads;

namespace DKube.Grains.Studies;

/// <summary>
/// A study as stored: its view (trials included: a trial is written, with its parameters, before
/// its run is created, so a restart re-creates the same run rather than proposing another), the
/// run every trial copies and the Katib YAML it was given (parsed again on activation).
/// </summary>
[GenerateSerializer]
[Alias("dkube.state.study")]
public sealed class StudyState
{
    [Id(0)]
    public StudyView? View { get; set; }

    [Id(1)]
    public WorkloadSpec? Template { get; set; }

    [Id(2)]
    public string Tuning { get; set; } = "";

    /// <summary>The algorithm said no trial will ever follow (a grid ran out).</summary>
    [Id(3)]
    public bool Exhausted { get; set; }
}
