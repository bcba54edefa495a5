namespace DKube.Benchmarks.Serving;

/// <summary>Load shapes: an open loop at a fixed rate (timed from when each request was due) and closed-loop clients.</summary>
internal static class Load
{
    /// <summary>The shared open loop (<see cref="OpenLoop"/>) of HTTP requests, counting the answers that were not 2xx.</summary>
    public static async Task<(Latencies Latencies, int Failed, TimeSpan Wall)> OpenLoopAsync(int perSecond, TimeSpan duration, Func<Task<HttpResponseMessage>> send)
    {
        var failed = new int[1];
        var (latencies, wall) = await OpenLoop.RunAsync(perSecond, duration, async _ =>
        {
            if (!await OkAsync(send))
            {
                Interlocked.Increment(ref failed[0]);
            }
        });
        return (latencies, failed[0], wall);
    }

    /// <summary><paramref name="clients"/> loops of one request after another until disposed.</summary>
    public static IDisposable Closed(int clients, Func<Task<HttpResponseMessage>> send)
    {
        var stop = new CancellationTokenSource();
        for (var c = 0; c < clients; c++)
        {
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await OkAsync(send);
                }
            });
        }

        return stop;
    }

    /// <summary>The machine's 1-minute load average (shared with other work: printed beside each figure).</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static async Task<bool> OkAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var answer = await send();
            return answer.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
