namespace DKube.Abstractions.Leaderboards;

/// <summary>A member's line: rank (null without a scored submission), best submission and all their submissions, oldest first.</summary>
[GenerateSerializer]
[Alias("dkube.leaderboard-entry")]
public sealed record LeaderboardEntry(
    [property: Id(0)] int? Rank,
    [property: Id(1)] string User,
    [property: Id(2)] BestSubmission? Best,
    [property: Id(3)] IReadOnlyList<Submission> Submissions);
