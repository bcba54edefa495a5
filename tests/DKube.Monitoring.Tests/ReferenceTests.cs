using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace DKube.Monitoring.Tests;

/// <summary>
/// Proves the statistics against their reference implementations: Debian's python3-scipy and
/// python3-sklearn run as a real process (/usr/bin/python3 reference.py) on the same seeded samples,
/// and every figure must agree to 1e-9 relative (p-values to 1e-6 relative).
/// </summary>
public sealed class ReferenceTests(ITestOutputHelper output)
{
    private const double Relative = 1e-9;
    private const double PValueRelative = 1e-6;

    // (n1, n2, shift of the live mean, decimals kept: null for continuous, else ties)
    private static readonly (int N1, int N2, double Shift, int? Decimals)[] KsCases =
    [
        (5, 7, 0.0, null), (8, 8, 1.0, null), (10, 10, 0.0, 0), (20, 30, 0.3, null), (37, 53, 0.0, 1),
        (100, 100, 0.2, null), (250, 400, 0.1, 0), (1000, 800, 0.05, null), (3000, 2000, 0.1, 2),
        (10_000, 9_000, 0.02, null), (12_000, 11_000, 0.0, null), (20_000, 15_000, 0.03, null),
        (50_000, 40_000, 0.05, null), (11_000, 11_000, 0.01, 1),
    ];

    [Fact]
    public void Statistics_and_metrics_agree_with_scipy_and_scikit_learn()
    {
        var ks = new List<(double[] A, double[] B)>();
        for (var i = 0; i < KsCases.Length; i++)
        {
            var (n1, n2, shift, decimals) = KsCases[i];
            ks.Add((Samples.Normal(100 + i, n1, 0, 1, decimals), Samples.Normal(200 + i, n2, shift, 1.1, decimals)));
        }

        // Near copies: a large live sample equal to the baseline but for a few values, so the
        // statistic is tiny and the asymptotic branch takes the Durbin matrix and Ruben-Gambino paths.
        foreach (var changed in new[] { 1, 30, 60 })
        {
            var a = Samples.Normal(300 + changed, 11_000);
            var b = (double[])a.Clone();
            for (var k = 0; k < changed; k++)
            {
                b[k] += 10;
            }

            ks.Add((a, b));
        }

        // One sample over 10,000 values, the other tiny: the effective n is at most 140, where we
        // compute the exact p-value rather than scipy's Pomeranz; so compare with method='exact'.
        var unbalanced = new List<(double[] A, double[] B)>
        {
            (Samples.Normal(41, 12_000), Samples.Normal(42, 50, 0.3)),
            (Samples.Normal(43, 10_500), Samples.Normal(44, 120)),
        };

        var chi2 = new List<(long[] A, long[] B)>
        {
            ([10, 20], [14, 16]), ([50, 50], [50, 51]), ([3, 7], [7, 3]), ([5, 9, 12], [8, 8, 4]),
            ([100, 0], [0, 100]), ([1000, 2000, 3000, 4000, 500], [1100, 1900, 3100, 3900, 450]),
        };
        foreach (var (seed, n) in new[] { (1, 40), (2, 900), (3, 5000) })
        {
            var a = Samples.Categories(seed, n, [0.5, 0.2, 0.2, 0.1]);
            var b = Samples.Categories(seed + 50, n + 17, [0.4, 0.25, 0.2, 0.15]);
            chi2.Add(CountsOf(a, b));
        }

        var js = new List<(long[] A, long[] B)>(chi2) { ([1, 0, 3], [0, 2, 2]), ([7], [9]) };
        var psiCases = new List<(double[] A, double[] B)>
        {
            (Samples.Normal(11, 500), Samples.Normal(12, 700, 0.2)),
            (Samples.Normal(13, 2000, 0, 1, 0), Samples.Normal(14, 1500, 0.5, 1, 0)),
            (Samples.Normal(15, 100_000), Samples.Normal(16, 100_000, 0.05, 1.05)),
            (Samples.Normal(17, 30, 5, 2, 1), Samples.Normal(18, 12, 5, 2, 1)),
        };
        var classification = new List<(string[] Truth, string[] Predicted, double[] Scores, string? Positive)>();
        foreach (var (seed, n, decimals) in new[] { (21, 50, 1), (22, 2000, 2), (23, 7, 0) })
        {
            var truth = Samples.Categories(seed, n, [0.6, 0.4], ["0", "1"]);
            var noise = Samples.Normal(seed + 1, n, 0, 0.8);
            var scores = truth.Select((t, i) => Math.Round((t == "1" ? 0.7 : 0.3) + (noise[i] / 4), decimals)).ToArray();
            var predicted = scores.Select(s => s >= 0.5 ? "1" : "0").ToArray();
            classification.Add((truth, predicted, scores, "1"));
        }

        {
            var truth = Samples.Categories(24, 300, [0.3, 0.3, 0.3, 0.1], ["cat", "dog", "eel", "fox"]);
            // Never predicts "fox": its precision has a zero denominator (counted as 0).
            var predicted = Samples.Categories(25, 300, [0.4, 0.3, 0.3], ["cat", "dog", "eel"]);
            classification.Add((truth, predicted.Select((p, i) => i % 3 == 0 ? truth[i] == "fox" ? "cat" : truth[i] : p).ToArray(), [], null));
        }

        var regression = new List<(double[] Truth, double[] Predicted)>
        {
            (Samples.Normal(31, 100, 10, 3), Samples.Normal(31, 100, 10, 3).Select((v, i) => v + (0.5 * Math.Sin(i))).ToArray()),
            (Samples.Normal(32, 5000, -2, 0.5), Samples.Normal(33, 5000, -2, 0.5)),
            ([3, 3, 3], [3, 3, 3]), ([3, 3, 3], [2, 3, 4]),
        };

        var input = new JsonObject
        {
            ["ks"] = new JsonArray([.. ks.Select(c => Pair(c.A, c.B))]),
            ["ks_exact"] = new JsonArray([.. unbalanced.Select(c => Pair(c.A, c.B))]),
            ["chi2"] = new JsonArray([.. chi2.Select(c => DropEmpty(c.A, c.B))]),
            ["js"] = new JsonArray([.. js.Select(c => Pair(c.A, c.B))]),
            ["wasserstein"] = new JsonArray([.. ks.Select(c => Pair(c.A, c.B))]),
            ["psi"] = new JsonArray([.. psiCases.Select(c => { var o = Pair(c.A, c.B); o["bins"] = DriftStatistics.DefaultBins; return o; })]),
            ["classification"] = new JsonArray([.. classification.Select(c => new JsonObject
            {
                ["truth"] = JsonSerializer.SerializeToNode(c.Truth),
                ["predicted"] = JsonSerializer.SerializeToNode(c.Predicted),
                ["scores"] = JsonSerializer.SerializeToNode(c.Scores),
                ["positive"] = c.Positive,
            })]),
            ["regression"] = new JsonArray([.. regression.Select(c => new JsonObject
            {
                ["truth"] = JsonSerializer.SerializeToNode(c.Truth),
                ["predicted"] = JsonSerializer.SerializeToNode(c.Predicted),
            })]),
        };
        var expected = RunReference(input);

        for (var i = 0; i < ks.Count; i++)
        {
            var actual = KolmogorovSmirnov.TwoSample(ks[i].A, ks[i].B);
            var reference = expected["ks"]![i]!;
            Close(reference["statistic"]!.GetValue<double>(), actual.Statistic, Relative, $"ks[{i}] statistic");
            output.WriteLine($"ks[{i}] n=({ks[i].A.Length},{ks[i].B.Length}) D={actual.Statistic:R} p={actual.PValue:R} scipy p={reference["pvalue"]}");
            Close(reference["pvalue"]!.GetValue<double>(), actual.PValue, PValueRelative, $"ks[{i}] p-value");
            var w = expected["wasserstein"]![i]!;
            Close(w["distance"]!.GetValue<double>(), DriftStatistics.Wasserstein(ks[i].A, ks[i].B), Relative, $"wasserstein[{i}]");
            Close(w["normed"]!.GetValue<double>(), DriftStatistics.NormedWasserstein(ks[i].A, ks[i].B), Relative, $"normed wasserstein[{i}]");
        }

        for (var i = 0; i < unbalanced.Count; i++)
        {
            var actual = KolmogorovSmirnov.TwoSample(unbalanced[i].A, unbalanced[i].B);
            var reference = expected["ks_exact"]![i]!;
            output.WriteLine($"ks unbalanced[{i}] D={actual.Statistic:R} p={actual.PValue:R} scipy exact p={reference["pvalue"]}");
            Close(reference["statistic"]!.GetValue<double>(), actual.Statistic, Relative, $"ks unbalanced[{i}] statistic");
            Close(reference["pvalue"]!.GetValue<double>(), actual.PValue, PValueRelative, $"ks unbalanced[{i}] p-value");
        }

        for (var i = 0; i < chi2.Count; i++)
        {
            var actual = DriftStatistics.ChiSquared(chi2[i].A, chi2[i].B);
            var reference = expected["chi2"]![i]!;
            Close(reference["statistic"]!.GetValue<double>(), actual.Statistic, Relative, $"chi2[{i}] statistic");
            Close(reference["pvalue"]!.GetValue<double>(), actual.PValue, PValueRelative, $"chi2[{i}] p-value");
        }

        for (var i = 0; i < js.Count; i++)
        {
            Close(expected["js"]![i]!.GetValue<double>(), DriftStatistics.JensenShannon(js[i].A, js[i].B), Relative, $"js[{i}]");
        }

        for (var i = 0; i < psiCases.Count; i++)
        {
            var sorted = psiCases[i].A.Order().ToArray();
            var edges = DriftStatistics.QuantileEdges(sorted);
            var reference = expected["psi"]![i]!;
            var referenceEdges = reference["edges"]!.AsArray().Select(e => e!.GetValue<double>()).ToArray();
            Assert.Equal(referenceEdges.Length, edges.Length);
            for (var k = 0; k < edges.Length; k++)
            {
                Close(referenceEdges[k], edges[k], Relative, $"psi[{i}] edge {k}");
            }

            var psi = DriftStatistics.Psi(DriftStatistics.BinCounts(psiCases[i].A, edges), DriftStatistics.BinCounts(psiCases[i].B, edges));
            Close(reference["psi"]!.GetValue<double>(), psi, Relative, $"psi[{i}]");
        }

        for (var i = 0; i < classification.Count; i++)
        {
            var (truth, predicted, scores, positive) = classification[i];
            var reference = expected["classification"]![i]!;
            Close(reference["accuracy"]!.GetValue<double>(), ClassificationMetrics.Accuracy(truth, predicted), Relative, $"accuracy[{i}]");
            foreach (var (name, averaging) in new[] { ("macro", Averaging.Macro), ("weighted", Averaging.Weighted), ("binary", Averaging.Binary) })
            {
                if (averaging == Averaging.Binary && positive is null)
                {
                    continue;
                }

                var (p, r, f) = ClassificationMetrics.PrecisionRecallF1(truth, predicted, averaging, positive);
                var figures = reference[name]!.AsArray();
                Close(figures[0]!.GetValue<double>(), p, Relative, $"precision {name}[{i}]");
                Close(figures[1]!.GetValue<double>(), r, Relative, $"recall {name}[{i}]");
                Close(figures[2]!.GetValue<double>(), f, Relative, $"f1 {name}[{i}]");
            }

            if (positive is not null)
            {
                var report = ClassificationMetrics.Evaluate(truth, predicted, scores);
                Assert.Equal(Averaging.Binary, report.Averaging);
                Close(reference["auc"]!.GetValue<double>(), report.RocAuc!.Value, Relative, $"auc[{i}]");
            }
        }

        for (var i = 0; i < regression.Count; i++)
        {
            var report = RegressionMetrics.Evaluate(regression[i].Truth, regression[i].Predicted);
            var reference = expected["regression"]![i]!;
            Close(reference["rmse"]!.GetValue<double>(), report.Rmse, Relative, $"rmse[{i}]");
            Close(reference["mae"]!.GetValue<double>(), report.Mae, Relative, $"mae[{i}]");
            Close(reference["r2"]!.GetValue<double>(), report.R2, Relative, $"r2[{i}]");
        }
    }

    private static (long[] A, long[] B) CountsOf(string[] a, string[] b)
    {
        var keys = a.Concat(b).Distinct().Order(StringComparer.Ordinal).ToArray();
        return (keys.Select(k => (long)a.Count(v => v == k)).ToArray(), keys.Select(k => (long)b.Count(v => v == k)).ToArray());
    }

    // scipy refuses a category empty in both samples; DriftStatistics drops it, so the reference gets the table without it.
    private static JsonObject DropEmpty(long[] a, long[] b)
    {
        var keep = Enumerable.Range(0, a.Length).Where(i => a[i] + b[i] > 0).ToArray();
        return Pair(keep.Select(i => a[i]).ToArray(), keep.Select(i => b[i]).ToArray());
    }

    private static JsonObject Pair<T>(T[] a, T[] b) => new()
    {
        ["a"] = JsonSerializer.SerializeToNode(a),
        ["b"] = JsonSerializer.SerializeToNode(b),
    };

    private static void Close(double expected, double actual, double relative, string what)
    {
        var tolerance = relative * Math.Abs(expected);
        Assert.True(
            Math.Abs(expected - actual) <= Math.Max(tolerance, 1e-300) || expected == actual,
            $"{what}: reference {expected:R}, ours {actual:R} (relative difference {Math.Abs(expected - actual) / Math.Abs(expected):E2})");
    }

    private static JsonNode RunReference(JsonObject input)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dkube-monitoring-reference-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, input.ToJsonString());
        try
        {
            // Debian's interpreter: the pyenv python3 first on the PATH cannot import python3-scipy.
            var start = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "reference.py"), path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(
                process.ExitCode == 0,
                $"reference.py failed ({process.ExitCode}); it needs `apt-get install -y python3-scipy python3-sklearn`: {stderr.Result}");
            return JsonNode.Parse(stdout)!;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
