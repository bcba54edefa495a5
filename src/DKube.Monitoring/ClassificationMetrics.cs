namespace DKube.Monitoring;

/// <summary>
/// Classification metrics as scikit-learn 1.2 computes them (accuracy_score,
/// precision_recall_fscore_support with zero_division giving 0, roc_auc_score). Labels are strings
/// compared ordinally. Default averaging: binary when a positive label is given or every label is
/// "0" or "1" (scikit-learn's pos_label=1), else macro.
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>The share of rows whose prediction equals the truth.</summary>
    public static double Accuracy(IReadOnlyList<string> truth, IReadOnlyList<string> predicted)
    {
        CheckPairs(truth.Count, predicted.Count);
        var hits = 0;
        for (var i = 0; i < truth.Count; i++)
        {
            if (string.Equals(truth[i], predicted[i], StringComparison.Ordinal))
            {
                hits++;
            }
        }

        return hits / (double)truth.Count;
    }

    /// <summary>Accuracy, precision, recall, F1 and (with scores for the positive label) ROC AUC.</summary>
    public static ClassificationReport Evaluate(
        IReadOnlyList<string> truth,
        IReadOnlyList<string> predicted,
        IReadOnlyList<double>? scores = null,
        string? positiveLabel = null,
        Averaging? averaging = null)
    {
        CheckPairs(truth.Count, predicted.Count);
        var labels = truth.Concat(predicted).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (positiveLabel is null && labels.All(l => l is "0" or "1"))
        {
            positiveLabel = "1";
        }

        var average = averaging ?? (positiveLabel is null ? Averaging.Macro : Averaging.Binary);
        var (precision, recall, f1) = PrecisionRecallF1(truth, predicted, labels, average, positiveLabel);
        double? auc = null;
        if (scores is not null && positiveLabel is not null)
        {
            var positives = truth.Select(t => string.Equals(t, positiveLabel, StringComparison.Ordinal)).ToArray();
            if (positives.Contains(true) && positives.Contains(false))
            {
                auc = RocAuc(positives, scores);
            }
        }

        return new ClassificationReport(truth.Count, Accuracy(truth, predicted), precision, recall, f1, average, average == Averaging.Binary ? positiveLabel : null, auc);
    }

    /// <summary>Precision, recall and F1 under the given averaging (binary needs the positive label).</summary>
    public static (double Precision, double Recall, double F1) PrecisionRecallF1(
        IReadOnlyList<string> truth,
        IReadOnlyList<string> predicted,
        Averaging averaging,
        string? positiveLabel = null)
    {
        CheckPairs(truth.Count, predicted.Count);
        var labels = truth.Concat(predicted).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return PrecisionRecallF1(truth, predicted, labels, averaging, positiveLabel);
    }

    /// <summary>
    /// Area under the ROC curve of scores for the positive class: the Mann-Whitney probability that a
    /// positive outscores a negative, ties counting one half (equal to roc_auc_score's trapezoids).
    /// </summary>
    public static double RocAuc(IReadOnlyList<bool> positive, IReadOnlyList<double> scores)
    {
        CheckPairs(positive.Count, scores.Count);
        var order = Enumerable.Range(0, scores.Count).ToArray();
        var keys = scores.ToArray();
        if (keys.Any(double.IsNaN))
        {
            throw new ArgumentException("ROC AUC does not accept NaN scores.");
        }

        Array.Sort(keys, order);
        double positives = 0, rankSum = 0;
        for (var start = 0; start < keys.Length;)
        {
            var end = start;
            while (end < keys.Length && keys[end] == keys[start])
            {
                end++;
            }

            // Tied scores share the mean of their ranks (1-based).
            var rank = (start + 1 + end) / 2.0;
            for (var k = start; k < end; k++)
            {
                if (positive[order[k]])
                {
                    positives++;
                    rankSum += rank;
                }
            }

            start = end;
        }

        var negatives = keys.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("ROC AUC needs both classes in the truth.");
        }

        return (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }

    private static (double Precision, double Recall, double F1) PrecisionRecallF1(
        IReadOnlyList<string> truth, IReadOnlyList<string> predicted, string[] labels, Averaging averaging, string? positiveLabel)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Length; i++)
        {
            index[labels[i]] = i;
        }

        var truePositives = new double[labels.Length];
        var predictedCounts = new double[labels.Length];
        var truthCounts = new double[labels.Length];
        for (var i = 0; i < truth.Count; i++)
        {
            var t = index[truth[i]];
            var p = index[predicted[i]];
            truthCounts[t]++;
            predictedCounts[p]++;
            if (t == p)
            {
                truePositives[t]++;
            }
        }

        if (averaging == Averaging.Binary)
        {
            if (positiveLabel is null)
            {
                throw new ArgumentException("Binary averaging needs the positive label.");
            }

            if (labels.Length > 2)
            {
                throw new ArgumentException($"Binary averaging takes two labels; these data have {labels.Length}: use macro or weighted.");
            }

            if (!index.TryGetValue(positiveLabel, out var positive))
            {
                return (0, 0, 0);
            }

            return PerClass(truePositives[positive], predictedCounts[positive], truthCounts[positive]);
        }

        double precision = 0, recall = 0, f1 = 0, weights = 0;
        for (var c = 0; c < labels.Length; c++)
        {
            var weight = averaging == Averaging.Weighted ? truthCounts[c] : 1.0;
            var (p, r, f) = PerClass(truePositives[c], predictedCounts[c], truthCounts[c]);
            precision += weight * p;
            recall += weight * r;
            f1 += weight * f;
            weights += weight;
        }

        return weights == 0 ? (0, 0, 0) : (precision / weights, recall / weights, f1 / weights);
    }

    // scikit-learn's zero_division: a ratio with a zero denominator counts as 0.
    private static (double Precision, double Recall, double F1) PerClass(double truePositives, double predicted, double actual)
    {
        var precision = predicted == 0 ? 0 : truePositives / predicted;
        var recall = actual == 0 ? 0 : truePositives / actual;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return (precision, recall, f1);
    }

    private static void CheckPairs(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"Truth and predictions differ in length ({a} and {b}).");
        }

        if (a == 0)
        {
            throw new ArgumentException("Metrics need at least one row.");
        }
    }
}
