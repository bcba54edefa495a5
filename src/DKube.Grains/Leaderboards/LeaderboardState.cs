using DKube.Abstractions.Leaderboards;

namespace DKube.Grains.Leaderboards;

[GenerateSerializer]
[Alias("dkube.state.leaderboard")]
public sealed class LeaderboardState
{
    /// <summary>The owner's evaluation; null until set.</summary>
    [Id(0)]
    public Evaluation? Evaluation { get; set; }

    /// <summary>Every submission by id (kept: a board compares them side by side).</summary>
    [Id(1)]
    public Dictionary<string, Submission> Submissions { get; set; } = new(StringComparer.Ordinal);
}
