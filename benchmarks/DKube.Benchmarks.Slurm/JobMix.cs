using System.Diagnostics;

namespace DKube.Benchmarks.Slurm;

/// <summary>Submits N jobs with bounded concurrency, then waits until all have ended; the wall time covers both.</summary>
public static class JobMix
{
    public static async Task<MixTiming> RunAsync(int count, int concurrency, Func<int, Task> submit, Func<Task<bool>> allDone)
    {
        var wall = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await submit(i);
            }
        }));
        var submitted = wall.Elapsed;

        // 50 ms keeps the polling error small against runs of a few seconds in all.
        while (!await allDone())
        {
            await Task.Delay(50);
        }

        return new MixTiming(submitted, wall.Elapsed);
    }
}
