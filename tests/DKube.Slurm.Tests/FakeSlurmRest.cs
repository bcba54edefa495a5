using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DKube.Slurm.Tests;

/// <summary>
/// A slurmrestd stand-in for what a real cluster cannot show deterministically (which calls overlap):
/// it lists the jobs submitted to it as RUNNING and counts submissions. <see cref="HoldListings"/>
/// makes the first listings wait until that many are in flight at once.
/// </summary>
internal sealed partial class FakeSlurmRest : HttpMessageHandler
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> jobs = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource allListing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int listings;
    private int submissions;
    private long nextJobId = 100;

    /// <summary>How many first listings wait for each other (0: none waits).</summary>
    public int HoldListings { get; init; }

    /// <summary>How long each listing takes, so unguarded callers would overlap.</summary>
    public TimeSpan ListingDelay { get; init; }

    public int Submissions => Volatile.Read(ref submissions);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Get && path.EndsWith("/jobs", StringComparison.Ordinal))
        {
            var listing = Interlocked.Increment(ref listings);
            if (listing <= HoldListings)
            {
                if (listing == HoldListings)
                {
                    allListing.TrySetResult();
                }

                await allListing.Task.WaitAsync(cancellationToken);
            }

            await Task.Delay(ListingDelay, cancellationToken);
            lock (gate)
            {
                return Json(new { jobs = jobs.Select(j => new { job_id = j.Value, name = j.Key, job_state = "RUNNING" }).ToList() });
            }
        }

        if (request.Method == HttpMethod.Post && path.EndsWith("/job/submit", StringComparison.Ordinal))
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var name = JobName().Match(body).Groups[1].Value;
            Interlocked.Increment(ref submissions);
            lock (gate)
            {
                jobs[name] = ++nextJobId;
                return Json(new { job_id = nextJobId });
            }
        }

        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private static HttpResponseMessage Json(object answer) =>
        new(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(answer), Encoding.UTF8, "application/json") };

    [GeneratedRegex("\"name\":\"([^\"]*)\"")]
    private static partial Regex JobName();
}
