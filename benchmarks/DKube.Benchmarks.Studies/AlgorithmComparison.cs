using System.Globalization;
using DKube.Tuning;

namespace DKube.Benchmarks.Studies;

/// <summary>
/// Each algorithm on known functions, over seeds and the same trial budget, sequentially (one
/// trial at a time, as a study with parallelTrialCount 1): the best objective found.
/// </summary>
internal static class AlgorithmComparison
{
    // DKUBE_BENCH_ALGORITHMS=random,tpe narrows the table (tuning an algorithm without waiting for the GP).
    private static readonly string[] Names = Environment.GetEnvironmentVariable("DKUBE_BENCH_ALGORITHMS")?.Split(',') ?? ["random", "sobol", "bayesianoptimization", "tpe"];

    public static void Run(int seeds, int budget)
    {
        Console.WriteLine($"Best objective found (minimize) over {seeds} seeds, {budget} trials each: mean (median) [wins over random]");
        Compare("Branin (2-d, optimum 0.397887)", """
            - {name: x1, parameterType: double, feasibleSpace: {min: "-5", max: "10"}}
            - {name: x2, parameterType: double, feasibleSpace: {min: "0", max: "15"}}
            """, v => Branin(v[0], v[1]), seeds, budget);
        Compare("Quadratic (5-d, optimum 0)", string.Join("\n", Enumerable.Range(0, 5).Select(i =>
            $"- {{name: x{i}, parameterType: double, feasibleSpace: {{min: \"-5\", max: \"5\"}}}}")),
            v => v.Select((x, i) => (x - (0.5 * (i - 2))) * (x - (0.5 * (i - 2)))).Sum(), seeds, budget);
    }

    private static void Compare(string title, string parameters, Func<double[], double> f, int seeds, int budget)
    {
        var spec = KatibParser.Parse("objective: {type: minimize, objectiveMetricName: f}\nalgorithm: {algorithmName: random}\nparameters:\n"
            + string.Join("\n", parameters.Split('\n').Select(l => "  " + l)));
        var results = Names.ToDictionary(n => n, n => Enumerable.Range(1, seeds).Select(s => Best(spec, n, s, budget, f)).ToList());
        Console.WriteLine(title);
        Console.WriteLine($"  {"algorithm",-22} {"mean",12} {"median",12} {"beats random",13}");
        foreach (var (name, best) in results)
        {
            var wins = best.Zip(results["random"]).Count(p => p.First < p.Second);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-22} {best.Average(),12:F4} {Median(best),12:F4} {wins,6}/{seeds}"));
        }
    }

    private static double Best(StudySpec spec, string name, int seed, int budget, Func<double[], double> f)
    {
        var search = SearchAlgorithms.Create(spec with { Algorithm = new AlgorithmSpec(name, name, new Dictionary<string, string>()) }, seed);
        var trials = new List<TrialRecord>();
        for (var i = 0; i < budget; i++)
        {
            var p = search.Propose(i, trials).Parameters!;
            var x = spec.Parameters.Select(q => double.Parse(p[q.Name], CultureInfo.InvariantCulture)).ToArray();
            trials.Add(new TrialRecord(i, p, true, f(x)));
        }

        return trials.Min(t => t.Score!.Value);
    }

    private static double Branin(double x1, double x2)
    {
        const double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
        return (a * Math.Pow(x2 - (b * x1 * x1) + (c * x1) - r, 2)) + (s * (1 - t) * Math.Cos(x1)) + s;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
