using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DKube.Tuning;

/// <summary>
/// The values of each metric a trial reported, in order: its metric records (one JSON object per
/// line in <c>DKUBE_METRICS_FILE</c>, as <c>dkube.log_metrics</c> writes them) and its log lines
/// matched by the collector's filters (Katib's StdOut <c>name=value</c> by default).
/// </summary>
public static class TrialMetrics
{
    public static Dictionary<string, List<double>> Read(IEnumerable<string> metricRecords, IEnumerable<string> logLines, MetricsCollectorSpec collector)
    {
        var values = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var line in metricRecords)
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name != "step" && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var number))
                    {
                        Add(values, property.Name, number);
                    }
                }
            }
            catch (JsonException)
            {
                // A record the run wrote badly says nothing.
            }
        }

        var filters = collector.Formats.Select(f => new Regex(f, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))).ToList();
        foreach (var line in logLines)
        {
            foreach (var filter in filters)
            {
                foreach (Match match in filter.Matches(line))
                {
                    if (double.TryParse(match.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                    {
                        Add(values, match.Groups[1].Value, number);
                    }
                }
            }
        }

        return values;
    }

    /// <summary>The metric's value for the trial by its strategy; null when it never reported it.</summary>
    public static double? ValueOf(IReadOnlyDictionary<string, List<double>> values, string metric, MetricStrategy strategy) =>
        values.TryGetValue(metric, out var list) && list.Count > 0
            ? strategy switch { MetricStrategy.Min => list.Min(), MetricStrategy.Max => list.Max(), _ => list[^1] }
            : null;

    private static void Add(Dictionary<string, List<double>> values, string name, double number)
    {
        if (!values.TryGetValue(name, out var list))
        {
            values[name] = list = [];
        }

        list.Add(number);
    }
}
