using DKube.Abstractions.Workloads;

namespace DKube.Abstractions.Leaderboards;

/// <summary>
/// A project's hidden evaluation, resolved by the API as its owner sees it: the code commit, the
/// dataset version (pinned when set, so every submission is scored on the same data), image,
/// command, the text shown above the board, the submissions each member may make per UTC day
/// (null: no limit) and the GPUs each evaluation run asks for.
/// </summary>
[GenerateSerializer]
[Alias("dkube.evaluation")]
public sealed record Evaluation(
    [property: Id(0)] string Project,
    [property: Id(1)] string Owner,
    [property: Id(2)] string Group,
    [property: Id(3)] CodeRef Code,
    [property: Id(4)] VersionRef? Dataset,
    [property: Id(5)] string? Image,
    [property: Id(6)] string Command,
    [property: Id(7)] string? Details,
    [property: Id(8)] int? DailyLimit,
    [property: Id(9)] int Gpus,
    [property: Id(10)] DateTimeOffset UpdatedAt);
