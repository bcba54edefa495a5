using DKube.Abstractions.Studies;

namespace DKube.Api.Contracts;

/// <summary>
/// POST /studies/validate: the study as it would run. <c>runsAs</c> is the algorithm that runs the
/// named one; <c>command</c> is the trial template's, with its placeholders (the run's own command wins).
/// </summary>
public sealed record StudyValidation(
    IReadOnlyList<StudyParameterView> Parameters,
    string Algorithm,
    string RunsAs,
    StudyObjective Objective,
    int ParallelTrialCount,
    int MaxTrialCount,
    int MaxFailedTrialCount,
    string? EarlyStopping,
    string MetricsCollector,
    string? Command);
