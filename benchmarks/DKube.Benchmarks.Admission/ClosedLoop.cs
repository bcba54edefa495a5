using System.Diagnostics;

namespace DKube.Benchmarks.Admission;

/// <summary>A closed loop: a number of workers, each starting its next operation when its last one answered.</summary>
internal static class ClosedLoop
{
    /// <summary>Runs <paramref name="operation"/> for 0..<paramref name="count"/>-1 on <paramref name="workers"/> workers; times each one and the whole.</summary>
    public static async Task<(Latencies Latencies, TimeSpan Wall)> RunAsync(int workers, int count, Func<int, Task> operation)
    {
        var latencies = new Latencies();
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                await operation(i);
                latencies.Add(Stopwatch.GetElapsedTime(start));
            }
        }));
        return (latencies, wall.Elapsed);
    }
}
