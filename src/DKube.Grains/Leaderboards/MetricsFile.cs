using System.Text.Json;
using DKube.Abstractions.Leaderboards;

namespace DKube.Grains.Leaderboards;

/// <summary>
/// Reads the metrics.json an evaluation writes: <c>{"metrics": [{"accuracy": 0.93}, ...],
/// "sort": "accuracy", "direction": "maximize"|"minimize"}</c> (DKube's format; <c>direction</c>
/// is ours, default maximize, after Katib's objective goals). The list's objects are merged, later
/// names winning; every value must be a finite number and the sort metric must be among them.
/// </summary>
public static class MetricsFile
{
    /// <summary>The largest metrics.json read; a bigger one is refused, never half read.</summary>
    public const int MaxBytes = 1024 * 1024;

    public sealed record Scores(IReadOnlyDictionary<string, double> Metrics, string Sort, MetricGoal Direction);

    /// <summary>The scores, or why the file is not usable (a text shown to the submitter: it never quotes the file).</summary>
    public static (Scores? Scores, string? Error) Parse(byte[]? content)
    {
        if (content is null)
        {
            return (null, $"the evaluation wrote no {LeaderboardRuns.MetricsFile} to DKUBE_OUTPUT_DIR");
        }

        if (content.Length > MaxBytes)
        {
            return (null, $"{LeaderboardRuns.MetricsFile} is larger than {MaxBytes} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("metrics", out var list) || list.ValueKind != JsonValueKind.Array
                || !root.TryGetProperty("sort", out var sortElement) || sortElement.ValueKind != JsonValueKind.String)
            {
                return (null, $"{LeaderboardRuns.MetricsFile} must be an object with a \"metrics\" list and a \"sort\" metric name");
            }

            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    return (null, $"each entry of \"metrics\" in {LeaderboardRuns.MetricsFile} must be an object of metric values");
                }

                foreach (var metric in item.EnumerateObject())
                {
                    if (metric.Value.ValueKind != JsonValueKind.Number || !metric.Value.TryGetDouble(out var value) || !double.IsFinite(value)
                        || metric.Name.Length is 0 or > 128)
                    {
                        return (null, $"metric values in {LeaderboardRuns.MetricsFile} must be finite numbers named by 1 to 128 characters");
                    }

                    metrics[metric.Name] = value;
                }
            }

            var sort = sortElement.GetString()!;
            if (!metrics.ContainsKey(sort))
            {
                return (null, $"{LeaderboardRuns.MetricsFile} sorts by \"{Shorten(sort)}\", which is not among its metrics");
            }

            var direction = MetricGoal.Maximize;
            if (root.TryGetProperty("direction", out var directionElement)
                && !(directionElement.ValueKind == JsonValueKind.String && Enum.TryParse(directionElement.GetString(), ignoreCase: true, out direction)))
            {
                return (null, $"\"direction\" in {LeaderboardRuns.MetricsFile} must be \"maximize\" or \"minimize\"");
            }

            return (new Scores(metrics, sort, direction), null);
        }
        catch (JsonException)
        {
            return (null, $"{LeaderboardRuns.MetricsFile} is not valid JSON");
        }
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
