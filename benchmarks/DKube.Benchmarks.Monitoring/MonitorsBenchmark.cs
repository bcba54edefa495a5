using System.Diagnostics;
using System.Globalization;
using DKube.Monitoring;

/// <summary>
/// <c>monitors</c> mode: the computation of N monitors on one silo, each evaluated once a minute.
/// Each monitor has its own baseline (20 features: 15 continuous, 5 categorical) and, every
/// minute, a live window of the requests its deployment answered that minute; one simulated minute
/// scores every monitor's drift (the live window put into columns, sorted, and compared with
/// 'auto') and its performance (accuracy .. AUC over the minute's labelled predictions). The
/// figure is the process CPU time per simulated minute, as a share of one core and of the machine
/// (cores = Environment.ProcessorCount), with the load average beside it: the machine may be shared.
/// Not included: reading the prediction log from PostgreSQL, parsing bodies and the grain calls,
/// which add to this figure (it is the scoring's floor).
/// </summary>
internal static class MonitorsBenchmark
{
    public static void Run(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var perMinute = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        var baselineRows = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5000;
        var minutes = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
        var columns = Enumerable.Range(0, 15).Select(i => new FeatureColumn($"x{i}", FeatureKind.Continuous, ColumnRole.Input))
            .Concat(Enumerable.Range(0, 5).Select(i => new FeatureColumn($"c{i}", FeatureKind.Categorical, ColumnRole.Input)))
            .ToList();
        var schema = new FeatureSchema(columns);
        var random = new Random(42);
        double Normal(double mean) => mean + (Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        ColumnValues[] Window(int rows, double shift) =>
        [
            .. columns.Select(c => c.Kind == FeatureKind.Continuous
                ? new ColumnValues(c, [.. Enumerable.Range(0, rows).Select(_ => Normal(shift))], [], 0)
                : new ColumnValues(c, [], [.. Enumerable.Range(0, rows).Select(_ => $"k{(int)(Math.Pow(random.NextDouble(), 1 + shift) * 12)}")], 0)),
        ];

        Console.WriteLine($"DKube monitors benchmark: {count:N0} monitors, each evaluated once a minute: drift of 20 features over {perMinute:N0} requests/minute against {baselineRows:N0} baseline rows, and performance over the same requests labelled");
        var baselines = Enumerable.Range(0, count).Select(_ => ColumnTable.From(Window(baselineRows, 0), baselineRows)).ToArray();
        var cores = Environment.ProcessorCount;
        for (var minute = 0; minute < minutes; minute++)
        {
            // The minute's traffic is made before the clock starts: only the monitors' work is timed.
            var windows = Enumerable.Range(0, count).Select(m => Window(perMinute, m % 10 == 0 ? 0.3 : 0)).ToArray();
            var truth = Enumerable.Range(0, perMinute).Select(_ => random.Next(2).ToString(CultureInfo.InvariantCulture)).ToList();
            var predicted = truth.Select(t => random.NextDouble() < 0.8 ? t : t == "1" ? "0" : "1").ToList();
            GC.Collect();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            var drifted = 0;
            for (var m = 0; m < count; m++)
            {
                var live = ColumnTable.From(windows[m], perMinute);
                drifted += DriftEvaluator.Evaluate(schema, baselines[m], live, new DriftSettings(DriftMethod.Auto)).Count(d => d.Score.Drifted) > 0 ? 1 : 0;
                _ = ClassificationMetrics.Evaluate(truth, predicted);
            }

            var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"minute {minute + 1}: cpu {cpu:F2} s ({cpu / 60 * 100:F1}% of one core, {cpu / 60 / cores * 100:F1}% of {cores} cores), wall {wall:F2} s, {drifted}/{count} monitors drifted, load average {load}"));
        }

        Console.WriteLine($"process peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
    }
}
