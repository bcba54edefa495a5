using DKube.Abstractions.Leaderboards;
using DKube.Grains.Leaderboards;

namespace DKube.Grains.Tests.Leaderboards;

/// <summary>The pure parts: metrics.json as DKube's evaluation writes it, and ranking in either direction.</summary>
public sealed class LeaderboardRankingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Minimize_ranks_the_lowest_best_first_and_ties_go_to_who_reached_it_first()
    {
        var board = LeaderboardRanking.Rank(null, [
            Scored("s1", "amy", 0, 0.30, MetricGoal.Minimize),
            Scored("s2", "bob", 1, 0.20, MetricGoal.Minimize),
            Scored("s3", "amy", 2, 0.20, MetricGoal.Minimize),
            Scored("s4", "cid", 3, 0.50, MetricGoal.Minimize),
            new Submission("s5", "dan", new SubmittedModel("m", "m-1", 1), SubmissionStatus.Failed, null, null, null, "x", T0, T0, "r-5"),
        ]);

        Assert.Equal("rmse", board.Sort);
        Assert.Equal(MetricGoal.Minimize, board.Direction);
        Assert.Equal([(1, "bob", "s2"), (2, "amy", "s3"), (3, "cid", "s4")], board.Items.Take(3).Select(i => (i.Rank!.Value, i.User, i.Best!.Submission)));
        Assert.Equal(("dan", (int?)null), (board.Items[3].User, board.Items[3].Rank));
    }

    [Theory]
    [InlineData("{\"metrics\": [{\"accuracy\": 0.93}, {\"f1\": 0.8}], \"sort\": \"accuracy\"}", "accuracy", MetricGoal.Maximize)]
    [InlineData("{\"metrics\": [{\"rmse\": 1.5}], \"sort\": \"rmse\", \"direction\": \"minimize\"}", "rmse", MetricGoal.Minimize)]
    public void Well_formed_metrics_are_read(string json, string sort, MetricGoal direction)
    {
        var (scores, error) = MetricsFile.Parse(System.Text.Encoding.UTF8.GetBytes(json));
        Assert.Null(error);
        Assert.Equal((sort, direction), (scores!.Sort, scores.Direction));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"metrics\": {\"accuracy\": 0.9}, \"sort\": \"accuracy\"}")]
    [InlineData("{\"metrics\": [{\"accuracy\": 0.9}]}")]
    [InlineData("{\"metrics\": [{\"accuracy\": 0.9}], \"sort\": \"f1\"}")]
    [InlineData("{\"metrics\": [{\"accuracy\": null}], \"sort\": \"accuracy\"}")]
    [InlineData("{\"metrics\": [{\"accuracy\": 0.9}], \"sort\": \"accuracy\", \"direction\": \"up\"}")]
    [InlineData("{\"metrics\": [{\"accuracy\": 1e999}], \"sort\": \"accuracy\"}")]
    public void Malformed_metrics_are_refused_with_a_reason(string json)
    {
        var (scores, error) = MetricsFile.Parse(System.Text.Encoding.UTF8.GetBytes(json));
        Assert.Null(scores);
        Assert.Contains("metrics.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_oversized_file_is_refused()
    {
        Assert.Contains("wrote no metrics.json", MetricsFile.Parse(null).Error, StringComparison.Ordinal);
        Assert.Contains("larger than", MetricsFile.Parse(new byte[MetricsFile.MaxBytes + 1]).Error, StringComparison.Ordinal);
    }

    private static Submission Scored(string id, string user, int minute, double rmse, MetricGoal direction) =>
        new(id, user, new SubmittedModel("m", "m-1", 1), SubmissionStatus.Scored, new Dictionary<string, double> { ["rmse"] = rmse }, "rmse", direction, null,
            T0.AddMinutes(minute), T0.AddMinutes(minute + 1), $"r-{id}");
}
