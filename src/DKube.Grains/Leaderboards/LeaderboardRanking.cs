using DKube.Abstractions.Leaderboards;

namespace DKube.Grains.Leaderboards;

/// <summary>
/// Ranks a leaderboard: pure, so the grain only feeds it. The board sorts by the sort metric and
/// direction of the latest scored submission (what the evaluation says now); a member's best is
/// their scored submission with the best value of it (the earlier on a tie), and members rank by
/// their best (the one who reached it first on a tie). Members with nothing scored come last.
/// </summary>
public static class LeaderboardRanking
{
    public static LeaderboardView Rank(string? details, IEnumerable<Submission> submissions)
    {
        var all = submissions.OrderBy(s => s.SubmittedAt).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
        var latest = all.Where(s => s.Status == SubmissionStatus.Scored).MaxBy(s => s.EndedAt);
        var (sort, direction) = (latest?.Sort, latest?.Direction ?? MetricGoal.Maximize);
        var sign = direction == MetricGoal.Maximize ? -1 : 1;

        double? ValueOf(Submission s) =>
            s.Status == SubmissionStatus.Scored && sort is not null && s.Metrics is not null && s.Metrics.TryGetValue(sort, out var v) ? v : null;

        var lines = all.GroupBy(s => s.User, StringComparer.Ordinal).Select(byUser =>
        {
            var best = byUser.Where(s => ValueOf(s) is not null).OrderBy(s => sign * ValueOf(s)!.Value).ThenBy(s => s.SubmittedAt).FirstOrDefault();
            return (User: byUser.Key, Best: best, Submissions: (IReadOnlyList<Submission>)byUser.ToList());
        }).ToList();

        var ranked = lines.Where(l => l.Best is not null)
            .OrderBy(l => sign * ValueOf(l.Best!)!.Value).ThenBy(l => l.Best!.SubmittedAt).ThenBy(l => l.User, StringComparer.Ordinal)
            .Select((l, i) => new LeaderboardEntry(i + 1, l.User, new BestSubmission(l.Best!.Id, l.Best.Metrics!, l.Best.SubmittedAt), l.Submissions));
        var unranked = lines.Where(l => l.Best is null).OrderBy(l => l.User, StringComparer.Ordinal)
            .Select(l => new LeaderboardEntry(null, l.User, null, l.Submissions));
        return new LeaderboardView(details, sort, sort is null ? null : direction, ranked.Concat(unranked).ToList());
    }
}
