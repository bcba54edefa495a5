using System.Globalization;
using System.Text;
using DKube.Abstractions.Leaderboards;

namespace DKube.Api.Endpoints;

/// <summary>
/// The board as CSV, the same ranking as its JSON: one row per member, columns rank, user,
/// submission, at, the sort metric and then the other metrics of the best submissions (by name),
/// and how many submissions the member made. Empty cells where the JSON has null or no value.
/// </summary>
public static class LeaderboardCsv
{
    public static string Write(LeaderboardView board)
    {
        var metrics = board.Items.Where(i => i.Best is not null).SelectMany(i => i.Best!.Metrics.Keys).Distinct(StringComparer.Ordinal)
            .OrderBy(m => m == board.Sort ? 0 : 1).ThenBy(m => m, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        Row(text, ["rank", "user", "submission", "at", .. metrics, "submissions"]);
        foreach (var item in board.Items)
        {
            Row(text, [
                item.Rank?.ToString(CultureInfo.InvariantCulture) ?? "",
                item.User,
                item.Best?.Submission ?? "",
                item.Best?.At.ToString("O", CultureInfo.InvariantCulture) ?? "",
                .. metrics.Select(m => item.Best is not null && item.Best.Metrics.TryGetValue(m, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""),
                item.Submissions.Count.ToString(CultureInfo.InvariantCulture),
            ]);
        }

        return text.ToString();
    }

    private static void Row(StringBuilder text, IReadOnlyList<string> cells)
    {
        text.AppendJoin(',', cells.Select(Escape)).Append('\n');
    }

    /// <summary>RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled.</summary>
    private static string Escape(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) < 0 ? cell : '"' + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';
}
