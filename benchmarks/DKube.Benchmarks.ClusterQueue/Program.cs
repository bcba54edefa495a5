using System.Diagnostics;
using System.Globalization;
using DKube.Scheduling;

// Cluster queue benchmark: a cluster of 64 nodes x 8 GPUs kept full, with D claims waiting across
// G groups. Each operation ends one placed claim (the queue re-places waiters in its fair order)
// and claims a new one, so the depth stays about D. Prints operations per second and the
// latency of one end-and-claim (p50/p99) for each (G, D).
// Usage: dotnet run -c Release --project benchmarks/DKube.Benchmarks.ClusterQueue [operations]
//        dotnet run -c Release --project benchmarks/DKube.Benchmarks.ClusterQueue pool [operations]
//          one group's pool with 1k, 10k and 100k requests queued: submit and release per operation,
//          bytes per queued request, and the cost of persisting its snapshot (see PoolCurve).
if (args.Length > 0 && args[0] == "pool")
{
    DKube.Benchmarks.ClusterQueue.PoolCurve.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000);
    return;
}

var operations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
var nodes = Enumerable.Range(0, 64).Select(i => new NodeSpec($"n{i}", 8, 64, 512, [])).ToList();
Console.WriteLine($"DKube cluster queue benchmark: 64 nodes x 8 GPUs, {operations} end-and-claim operations per row");
Console.WriteLine("groups  depth    ops/s      p50 us    p99 us");
foreach (var groups in new[] { 1, 10, 100 })
{
    foreach (var depth in new[] { 10, 100, 1_000 })
    {
        var random = new Random(42);
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var queue = new ClusterQueue(new ClusterInventory("bench", nodes), TimeSpan.FromMinutes(30));
        var placed = new List<string>();
        var next = 0;
        GpuRequest NextRequest() => new($"r{next++}", "bench", random.Next(1, 5), random.Next(8) == 0 ? 1 : 0, DistributionMode.Auto, [], false, TimeSpan.FromHours(1));
        void Claim()
        {
            var request = NextRequest();
            if (queue.Claim(request, $"g{random.Next(groups)}", now).Outcome == ClaimOutcome.Placed)
            {
                placed.Add(request.Id);
            }
        }

        while (queue.WaitingCount < depth)
        {
            Claim();
        }

        var latencies = new double[operations];
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < operations; i++)
        {
            now += TimeSpan.FromSeconds(1);
            var start = Stopwatch.GetTimestamp();
            var index = random.Next(placed.Count);
            var id = placed[index];
            placed[index] = placed[^1];
            placed.RemoveAt(placed.Count - 1);
            placed.AddRange(queue.Release(id, now).Select(r => r.RequestId));
            Claim();
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        wall.Stop();
        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{groups,6} {depth,6} {operations / wall.Elapsed.TotalSeconds,10:F0} {latencies[operations / 2],9:F1} {latencies[(int)(operations * 0.99)],9:F1}"));
    }
}
