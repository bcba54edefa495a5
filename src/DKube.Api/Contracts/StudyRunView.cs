using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

/// <summary>
/// GET /runs/{id} of a study (a run submitted with <c>tuning</c>): the study as a run, with
/// <c>kind</c> "study", its status in run terms, how many trials it created and where the study
/// itself is (<c>study</c>: its path).
/// </summary>
public sealed record StudyRunView(
    string Id,
    string Name,
    WorkloadType Type,
    string Kind,
    string Owner,
    string Group,
    string? Project,
    WorkloadStatus Status,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    int Trials,
    string Study);
