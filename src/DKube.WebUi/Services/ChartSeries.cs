using System.Text.Json;

namespace DKube.WebUi.Services;

/// <summary>One line of a chart: a name and its points in the order they were recorded.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points)
{
    /// <summary>Fields of a metrics record that place it rather than measure something.</summary>
    private static readonly HashSet<string> Placing = new(StringComparer.OrdinalIgnoreCase) { "step", "epoch", "time", "timestamp", "at" };

    /// <summary>
    /// A run's metrics records (one JSON object each, as it wrote them): a series per numeric field, over
    /// its <c>step</c> where the record has one, else over the record's place in the file.
    /// </summary>
    public static IReadOnlyList<ChartSeries> FromRecords(IReadOnlyList<JsonElement> records)
    {
        var series = new Dictionary<string, List<ChartPoint>>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var x = records[i].TryGetProperty("step", out var step) && step.ValueKind == JsonValueKind.Number ? step.GetDouble() : i;
            foreach (var field in records[i].EnumerateObject())
            {
                if (!Placing.Contains(field.Name) && field.Value.ValueKind == JsonValueKind.Number && double.IsFinite(field.Value.GetDouble()))
                {
                    Add(series, field.Name, new ChartPoint(x, field.Value.GetDouble(), null));
                }
            }
        }

        return [.. series.Select(s => new ChartSeries(s.Key, s.Value))];
    }

    /// <summary>
    /// A monitor's results (<c>{at, kind, scores: {name: {value, state}}}</c>): a series per kind and
    /// score over time, each point with its state.
    /// </summary>
    public static IReadOnlyList<ChartSeries> FromMonitorResults(IReadOnlyList<JsonElement> results)
    {
        var series = new Dictionary<string, List<ChartPoint>>(StringComparer.Ordinal);
        foreach (var result in results.OrderBy(r => r.TryGetProperty("at", out var a) && a.TryGetDateTimeOffset(out var t) ? t : DateTimeOffset.MinValue))
        {
            if (!result.TryGetProperty("at", out var at) || !at.TryGetDateTimeOffset(out var when)
                || !result.TryGetProperty("scores", out var scores) || scores.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var kind = result.TryGetProperty("kind", out var k) ? k.GetString() : null;
            foreach (var score in scores.EnumerateObject())
            {
                if (score.Value.ValueKind == JsonValueKind.Object && score.Value.TryGetProperty("value", out var value)
                    && value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()))
                {
                    var state = score.Value.TryGetProperty("state", out var s) ? s.GetString() : null;
                    Add(series, kind is null ? score.Name : $"{kind}: {score.Name}", new ChartPoint(when.ToUnixTimeMilliseconds() / 1000.0, value.GetDouble(), state));
                }
            }
        }

        return [.. series.Select(s => new ChartSeries(s.Key, s.Value))];
    }

    private static void Add(Dictionary<string, List<ChartPoint>> series, string name, ChartPoint point)
    {
        if (!series.TryGetValue(name, out var points))
        {
            series[name] = points = [];
        }

        points.Add(point);
    }
}
