namespace DKube.Abstractions.Studies;

/// <summary>
/// GET /runs/{id}/study. <see cref="Algorithm"/> is the name the spec gave; <see cref="RunsAs"/> the
/// algorithm that runs it (differs for Katib algorithms served by a neighbour, see README).
/// <see cref="Reason"/> says why it ended.
/// </summary>
[GenerateSerializer]
[Alias("dkube.study")]
public sealed record StudyView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Group,
    [property: Id(4)] string? Project,
    [property: Id(5)] StudyStatus Status,
    [property: Id(6)] string? Reason,
    [property: Id(7)] StudyObjective Objective,
    [property: Id(8)] string Algorithm,
    [property: Id(9)] string RunsAs,
    [property: Id(10)] int ParallelTrialCount,
    [property: Id(11)] int MaxTrialCount,
    [property: Id(12)] int MaxFailedTrialCount,
    [property: Id(13)] IReadOnlyList<StudyTrial> Trials,
    [property: Id(14)] StudyBest? Best,
    [property: Id(15)] StudyModel? Model,
    [property: Id(16)] DateTimeOffset CreatedAt,
    [property: Id(17)] DateTimeOffset? EndedAt,
    [property: Id(18)] int Seed);
