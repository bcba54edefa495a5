using DKube.Abstractions.Live;
using DKube.Abstractions.Monitors;
using DKube.Abstractions.Serving;
using DKube.Monitoring;

namespace DKube.Grains.Monitors;

/// <summary>
/// One evaluation of each component, pure: the grain feeds it the baseline, the live window and
/// the ground truth and stores what it returns. Every statistic comes from <c>DKube.Monitoring</c>.
/// </summary>
public static class MonitorScoring
{
    /// <summary>The method a feature is compared by: the asked algorithm, or for a categorical feature the categorical counterpart of a numeric-only one.</summary>
    public static DriftMethod MethodFor(string algorithm, FeatureKind kind) => (algorithm, kind) switch
    {
        ("ks", FeatureKind.Continuous) => DriftMethod.KolmogorovSmirnov,
        ("ks", _) or ("chi2", _) => DriftMethod.ChiSquared,
        ("psi", _) => DriftMethod.Psi,
        ("jensenshannon", _) => DriftMethod.JensenShannon,
        ("wasserstein", FeatureKind.Continuous) => DriftMethod.Wasserstein,
        ("wasserstein", _) => DriftMethod.JensenShannon,
        _ => DriftMethod.Auto,
    };

    /// <summary>The method 'auto' (or the asked one) ends up with for a column of a baseline of <paramref name="baselineRows"/> rows.</summary>
    public static DriftMethod ResolvedMethod(string algorithm, FeatureKind kind, long baselineRows) =>
        MethodFor(algorithm, kind) is var method && method != DriftMethod.Auto
            ? method
            // A continuous column of the schema has more distinct values than the categorical cut by construction.
            : DriftDetector.Choose(kind, (int)Math.Min(baselineRows, int.MaxValue), kind == FeatureKind.Continuous ? int.MaxValue : 0);

    /// <summary>Where a drift score gets worse: tests report p-values (lower is worse), distances rise.</summary>
    public static MetricDirection DirectionOf(DriftMethod method) =>
        method is DriftMethod.KolmogorovSmirnov or DriftMethod.ChiSquared ? MetricDirection.LowerIsWorse : MetricDirection.HigherIsWorse;

    public static string NameOf(DriftMethod method) => method switch
    {
        DriftMethod.KolmogorovSmirnov => "ks",
        DriftMethod.ChiSquared => "chi2",
        DriftMethod.Psi => "psi",
        DriftMethod.JensenShannon => "jensenshannon",
        DriftMethod.Wasserstein => "wasserstein",
        DriftMethod.NormedWasserstein => "normed_wasserstein",
        _ => "auto",
    };

    /// <summary>The live window as the baseline's columns: inputs by column, the prediction in the prediction column.</summary>
    public static ColumnTable LiveTable(FeatureSchema schema, IReadOnlyList<LiveRow> rows)
    {
        var prediction = schema.WithRole(ColumnRole.Prediction)?.Name;
        var values = new List<ColumnValues>();
        foreach (var column in schema.Compared)
        {
            var numbers = new List<double>();
            var labels = new List<string>();
            long missing = 0;
            foreach (var row in rows)
            {
                var cell = column.Name == prediction ? row.Prediction : row.Inputs.GetValueOrDefault(column.Name);
                if (string.IsNullOrEmpty(cell))
                {
                    missing++;
                }
                else if (column.Kind == FeatureKind.Categorical)
                {
                    labels.Add(cell);
                }
                else if (PredictionBodies.Number(cell) is { } number)
                {
                    numbers.Add(number);
                }
                else
                {
                    missing++;
                }
            }

            values.Add(new ColumnValues(column, [.. numbers], [.. labels], missing));
        }

        return ColumnTable.From(values, rows.Count);
    }

    /// <summary>Drift of each compared column, and how many drifted (<c>drifted_features</c>, <c>drift_share</c>).</summary>
    public static Dictionary<string, MonitorScore> Drift(
        FeatureSchema schema, ColumnTable baseline, ColumnTable live, string algorithm, IReadOnlyDictionary<string, ThresholdSpec> thresholds)
    {
        var scores = new Dictionary<string, MonitorScore>(StringComparer.Ordinal);
        if (live.Rows == 0)
        {
            return scores;
        }

        var methods = schema.Compared.ToDictionary(c => c.Name, c => MethodFor(algorithm, c.Kind), StringComparer.Ordinal);
        var drifts = DriftEvaluator.Evaluate(schema, baseline, live, new DriftSettings(DriftMethod.Auto, null, methods));
        foreach (var drift in drifts)
        {
            var state = thresholds.TryGetValue(drift.Feature, out var t)
                ? StateOf(new Threshold(t.Soft, t.Hard, DirectionOf(drift.Score.Method)).Classify(drift.Score.Score))
                : drift.Score.Drifted ? MonitorKinds.Critical : MonitorKinds.Ok;
            scores[drift.Feature] = new MonitorScore(drift.Score.Score, NameOf(drift.Score.Method), state);
        }

        if (drifts.Count > 0)
        {
            var drifted = drifts.Count(d => d.Score.Drifted);
            scores["drifted_features"] = Metric("drifted_features", drifted, thresholds, drifted > 0 ? MonitorKinds.Critical : MonitorKinds.Ok);
            var share = drifted / (double)drifts.Count;
            scores["drift_share"] = Metric("drift_share", share, thresholds, drifted > 0 ? MonitorKinds.Critical : MonitorKinds.Ok);
        }

        return scores;
    }

    /// <summary>Performance over predictions joined to their labels (truth, predicted).</summary>
    public static Dictionary<string, MonitorScore> Performance(
        string modelType, IReadOnlyList<string> metrics, IReadOnlyList<(string Truth, string Predicted)> pairs, IReadOnlyDictionary<string, ThresholdSpec> thresholds)
    {
        var scores = new Dictionary<string, MonitorScore>(StringComparer.Ordinal);
        if (pairs.Count == 0)
        {
            return scores;
        }

        var values = new Dictionary<string, double?>(StringComparer.Ordinal);
        if (modelType == MonitorKinds.Regression)
        {
            var numeric = pairs.Select(p => (Truth: PredictionBodies.Number(p.Truth), Predicted: PredictionBodies.Number(p.Predicted)))
                .Where(p => p.Truth is not null && p.Predicted is not null).ToList();
            if (numeric.Count == 0)
            {
                return scores;
            }

            var report = RegressionMetrics.Evaluate(numeric.Select(p => p.Truth!.Value).ToArray(), numeric.Select(p => p.Predicted!.Value).ToArray());
            (values["rmse"], values["mae"], values["r2"]) = (report.Rmse, report.Mae, report.R2);
        }
        else
        {
            var report = ClassificationMetrics.Evaluate(pairs.Select(p => p.Truth).ToList(), pairs.Select(p => p.Predicted).ToList());
            (values["accuracy"], values["precision"], values["recall"], values["f1"], values["auc"]) =
                (report.Accuracy, report.Precision, report.Recall, report.F1, report.RocAuc);
        }

        foreach (var metric in metrics)
        {
            if (values.GetValueOrDefault(metric) is { } value && !double.IsNaN(value))
            {
                scores[metric] = Metric(metric, value, thresholds, MonitorKinds.Ok);
            }
        }

        return scores;
    }

    /// <summary>
    /// Health of the window from the prediction log's request statistics, and of the replicas from
    /// their executors' latest samples (<paramref name="replicas"/>: each replica's workloads' use; none, no resource metrics).
    /// Error rates are over the requests whose status is known and latency over those whose latency
    /// is known: every request the gateway served, and the posted predictions of an imported
    /// deployment that carried them (<see cref="HealthNote"/> says what was left out).
    /// </summary>
    public static Dictionary<string, MonitorScore> Health(
        IReadOnlyList<PredictionWindowStats> buckets, TimeSpan window, IReadOnlyList<WorkloadUsage> replicas, IReadOnlyDictionary<string, ThresholdSpec> thresholds)
    {
        var requests = buckets.Sum(b => b.Requests);
        var withStatus = buckets.Sum(b => b.WithStatus);
        var values = new Dictionary<string, double?>(StringComparer.Ordinal)
        {
            ["requests"] = requests,
            ["request_rate"] = window > TimeSpan.Zero ? requests / window.TotalSeconds : null,
        };
        if (withStatus > 0)
        {
            values["error_4xx_rate"] = buckets.Sum(b => b.ClientErrors) / (double)withStatus;
            values["error_5xx_rate"] = buckets.Sum(b => b.ServerErrors) / (double)withStatus;
        }

        // Percentiles of buckets cannot be merged exactly; the worst bucket is what an alert cares
        // about (the monitor asks for one bucket, the window, so they are the window's). None when
        // no request carried a latency.
        values["latency_p50"] = buckets.Max(b => b.P50Ms);
        values["latency_p95"] = buckets.Max(b => b.P95Ms);
        values["latency_p99"] = buckets.Max(b => b.P99Ms);

        if (replicas.Count > 0)
        {
            values["cpu_cores"] = replicas.Sum(r => r.CpuCores);
            values["memory_bytes"] = replicas.Sum(r => (double)r.MemoryBytes);
            values["replica_cpu_cores_max"] = replicas.Max(r => r.CpuCores);
            values["replica_memory_bytes_max"] = replicas.Max(r => (double)r.MemoryBytes);
        }

        return values.Where(v => v.Value is { } x && double.IsFinite(x))
            .ToDictionary(v => v.Key, v => Metric(v.Key, v.Value!.Value, thresholds, MonitorKinds.Ok), StringComparer.Ordinal);
    }

    /// <summary>
    /// What <see cref="Health"/> could not compute from the window and why, in words a result shows;
    /// null when nothing is missing. <paramref name="posted"/>: the window is an imported
    /// deployment's posted predictions (only those may lack a status or latency).
    /// </summary>
    public static string? HealthNote(IReadOnlyList<PredictionWindowStats> buckets, bool posted)
    {
        var requests = buckets.Sum(b => b.Requests);
        var what = posted ? "predictions were posted to this imported deployment" : "requests reached the deployment";
        if (requests == 0)
        {
            return $"No {what} in the window: requests and request_rate are 0, no error rates or latency.";
        }

        var missing = new List<string>();
        var withStatus = buckets.Sum(b => b.WithStatus);
        var withLatency = buckets.Sum(b => b.WithLatency);
        if (withStatus < requests)
        {
            missing.Add(withStatus == 0
                ? $"None of the {requests} posted predictions carries a status: no error rates."
                : $"{requests - withStatus} of the {requests} posted predictions carry no status: error rates are over the {withStatus} that do.");
        }

        if (withLatency < requests)
        {
            missing.Add(withLatency == 0
                ? $"None of the {requests} posted predictions carries a latencyMs: no latency percentiles."
                : $"{requests - withLatency} of the {requests} posted predictions carry no latencyMs: latency percentiles are over the {withLatency} that do.");
        }

        return missing.Count == 0 ? null : string.Join(" ", missing);
    }

    /// <summary>The value of an alert's subject in a result: a score's value, or null when the evaluation did not compute it.</summary>
    public static double? ValueOf(MonitorResult result, string subject) =>
        result.Scores.TryGetValue(subject, out var score) ? score.Value : null;

    public static string StateOf(ScoreState state) => state switch
    {
        ScoreState.Critical => MonitorKinds.Critical,
        ScoreState.Warning => MonitorKinds.Warning,
        _ => MonitorKinds.Ok,
    };

    private static MonitorScore Metric(string metric, double value, IReadOnlyDictionary<string, ThresholdSpec> thresholds, string otherwise) =>
        new(value, null, thresholds.TryGetValue(metric, out var t) ? StateOf(Threshold.For(metric, t.Soft, t.Hard).Classify(value)) : otherwise);
}
