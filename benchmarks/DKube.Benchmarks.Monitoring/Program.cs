using System.Diagnostics;
using System.Globalization;
using System.Text;
using DKube.Monitoring;

// Drift evaluation benchmark: 20 features (15 continuous, 5 categorical), 100,000 live rows against
// 100,000 baseline rows, the live window shifted on a third of the features. Prints, per method, the
// median wall time of one evaluation (of R repetitions) and the bytes it allocated; then the cost of
// reading the live window from CSV into columns (parse + sort), which an evaluation from files adds.
// Usage: dotnet run -c Release --project benchmarks/DKube.Benchmarks.Monitoring [rows] [repetitions]
//        dotnet run -c Release --project benchmarks/DKube.Benchmarks.Monitoring monitors [count] [requests/minute] [baseline rows] [minutes]
if (args.Length > 0 && args[0] == "monitors")
{
    MonitorsBenchmark.Run(args[1..]);
    return;
}

var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
const int Continuous = 15;
const int Categorical = 5;

var columns = Enumerable.Range(0, Continuous).Select(i => new FeatureColumn($"x{i}", FeatureKind.Continuous, ColumnRole.Input))
    .Concat(Enumerable.Range(0, Categorical).Select(i => new FeatureColumn($"c{i}", FeatureKind.Categorical, ColumnRole.Input)))
    .ToList();
var schema = new FeatureSchema(columns);
var random = new Random(42);
double Normal(double mean) => mean + (Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
string[] Labels(int n, double skew) => [.. Enumerable.Range(0, n).Select(_ => $"k{(int)(Math.Pow(random.NextDouble(), 1 + skew) * 12)}")];
ColumnValues[] Window(bool shifted) =>
[
    .. columns.Select((c, i) => c.Kind == FeatureKind.Continuous
        ? new ColumnValues(c, [.. Enumerable.Range(0, rows).Select(_ => Normal(shifted && i % 3 == 0 ? 0.3 : 0))], [], 0)
        : new ColumnValues(c, [], Labels(rows, shifted && i % 3 == 0 ? 0.5 : 0), 0)),
];

var baseline = ColumnTable.From(Window(false), rows);
var liveValues = Window(true);
var live = ColumnTable.From(liveValues, rows);
Console.WriteLine($"DKube drift evaluation benchmark: {Continuous} continuous + {Categorical} categorical features, {rows:N0} live vs {rows:N0} baseline rows, median of {repetitions}");
Console.WriteLine("method               wall ms   cpu ms   KB allocated   drifted   (wall is inflated on a shared machine; cpu is the process's)");
foreach (var method in new[] { DriftMethod.Auto, DriftMethod.KolmogorovSmirnov, DriftMethod.Psi, DriftMethod.JensenShannon, DriftMethod.Wasserstein })
{
    var times = new List<double>();
    var cpu = new List<double>();
    long allocated = 0;
    var drifted = 0;
    for (var r = 0; r < repetitions; r++)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        // Continuous methods do not apply to categorical features: those keep 'auto'.
        var settings = new DriftSettings(DriftMethod.Auto, Methods: method == DriftMethod.Auto ? null
            : columns.Where(c => c.Kind == FeatureKind.Continuous || method is DriftMethod.Psi or DriftMethod.JensenShannon).ToDictionary(c => c.Name, _ => method));
        var result = DriftEvaluator.Evaluate(schema, baseline, live, settings);
        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        drifted = result.Count(d => d.Score.Drifted);
    }

    times.Sort();
    cpu.Sort();
    Console.WriteLine($"{method,-20} {times[times.Count / 2],8:F1} {cpu[cpu.Count / 2],8:F1}   {allocated / 1e3,12:F1}   {drifted,4}/{columns.Count}");
}

// Reading the live window from CSV (what an evaluation over an uploaded or logged window adds).
var csv = new StringBuilder(string.Join(',', columns.Select(c => c.Name))).Append('\n');
for (var row = 0; row < rows; row++)
{
    for (var c = 0; c < columns.Count; c++)
    {
        if (c > 0)
        {
            csv.Append(',');
        }

        var values = liveValues[c];
        if (columns[c].Kind == FeatureKind.Continuous)
        {
            csv.Append(values.SortedNumbers[row].ToString("R", CultureInfo.InvariantCulture));
        }
        else
        {
            csv.Append(values.Labels[row]);
        }
    }

    csv.Append('\n');
}

var bytes = Encoding.UTF8.GetBytes(csv.ToString());
var readTimes = new List<double>();
var readCpu = new List<double>();
long readAllocated = 0;
for (var r = 0; r < repetitions; r++)
{
    var before = GC.GetAllocatedBytesForCurrentThread();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var start = Stopwatch.GetTimestamp();
    using var reader = CsvReader.Open(new MemoryStream(bytes));
    _ = ColumnTable.Read(reader, schema);
    readTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    readCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
    readAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
}

readTimes.Sort();
readCpu.Sort();
Console.WriteLine($"read live CSV ({bytes.Length / 1e6:F1} MB) into columns: {readTimes[readTimes.Count / 2]:F1} ms wall, {readCpu[readCpu.Count / 2]:F1} ms cpu, {readAllocated / 1e6:F1} MB allocated");
Console.WriteLine($"process peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
