using System.Diagnostics;

namespace DKube.Benchmarks;

/// <summary>An open loop: operations started on a fixed schedule whatever the answers do.</summary>
public static class OpenLoop
{
    /// <summary>
    /// Starts <paramref name="perSecond"/> operations a second for <paramref name="duration"/>, each timed
    /// from when it was due (so a stall shows in the percentiles instead of slowing the offered rate down).
    /// </summary>
    public static async Task<(Latencies Latencies, TimeSpan Wall)> RunAsync(int perSecond, TimeSpan duration, Func<int, Task> operation)
    {
        var latencies = new Latencies();
        var total = (int)(perSecond * duration.TotalSeconds);
        var inFlight = new List<Task>(total);
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / perSecond);
            var wait = due - wall.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var index = i;
            inFlight.Add(Task.Run(async () =>
            {
                await operation(index);
                latencies.Add(wall.Elapsed - due);
            }));
        }

        await Task.WhenAll(inFlight);
        return (latencies, wall.Elapsed);
    }
}
