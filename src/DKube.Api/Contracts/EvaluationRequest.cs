namespace DKube.Api.Contracts;

/// <summary>
/// PUT /projects/{id}/evaluation: the code (repo and commit, the latest of its branch when none),
/// an optional dataset version (pinned now), image, command, the details shown above the board,
/// the submissions each member may make per UTC day (none: no limit) and the GPUs of each evaluation run.
/// </summary>
public sealed record EvaluationRequest(
    CodeRequest? Code, VersionRequest? Dataset, string? Image, string? Command, string? Details, int? DailyLimit, int? Gpus);
