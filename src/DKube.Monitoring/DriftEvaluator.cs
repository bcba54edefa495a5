namespace DKube.Monitoring;

/// <summary>One drift evaluation: every compared column of the schema, live window against baseline.</summary>
public static class DriftEvaluator
{
    /// <summary>
    /// Scores each input and prediction column. A column with no values on either side (all cells
    /// empty) is skipped rather than failing the evaluation; so is nothing else.
    /// </summary>
    public static IReadOnlyList<FeatureDrift> Evaluate(FeatureSchema schema, ColumnTable baseline, ColumnTable live, DriftSettings? settings = null)
    {
        settings ??= new DriftSettings();
        var results = new List<FeatureDrift>();
        foreach (var column in schema.Compared)
        {
            var a = baseline[column.Name];
            var b = live[column.Name];
            var method = settings.Methods?.GetValueOrDefault(column.Name, settings.Method) ?? settings.Method;
            double? threshold = settings.Thresholds is not null && settings.Thresholds.TryGetValue(column.Name, out var t) ? t : settings.Threshold;
            if (column.Kind == FeatureKind.Continuous)
            {
                if (a.SortedNumbers.Length == 0 || b.SortedNumbers.Length == 0)
                {
                    continue;
                }

                results.Add(new FeatureDrift(column.Name, column.Role, DriftDetector.NumericSorted(a.SortedNumbers, b.SortedNumbers, method, threshold), a.SortedNumbers.Length, b.SortedNumbers.Length));
            }
            else
            {
                if (a.Labels.Length == 0 || b.Labels.Length == 0)
                {
                    continue;
                }

                results.Add(new FeatureDrift(column.Name, column.Role, DriftDetector.Categorical(a.Labels, b.Labels, method, threshold), a.Labels.Length, b.Labels.Length));
            }
        }

        return results;
    }
}
