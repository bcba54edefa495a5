using System.Diagnostics;

namespace DKube.Benchmarks.Serving;

/// <summary>Load shapes: an open loop at a fixed rate (timed from when each request was due) and closed-loop clients.</summary>
internal static class Load
{
    public static async Task<Outcome> OpenLoopAsync(int perSecond, TimeSpan duration, Func<Task<HttpResponseMessage>> send)
    {
        var outcome = new Outcome();
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

            inFlight.Add(Task.Run(async () => outcome.Add(await OkAsync(send), wall.Elapsed - due)));
        }

        await Task.WhenAll(inFlight);
        return outcome;
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
