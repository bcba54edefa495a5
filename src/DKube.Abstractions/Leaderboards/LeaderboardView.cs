namespace DKube.Abstractions.Leaderboards;

/// <summary>
/// The board: one item per member who submitted, best first by <see cref="Sort"/> in
/// <see cref="Direction"/> (those with no scored submission last, by name).
/// </summary>
[GenerateSerializer]
[Alias("dkube.leaderboard")]
public sealed record LeaderboardView(
    [property: Id(0)] string? Details,
    [property: Id(1)] string? Sort,
    [property: Id(2)] MetricGoal? Direction,
    [property: Id(3)] IReadOnlyList<LeaderboardEntry> Items);
