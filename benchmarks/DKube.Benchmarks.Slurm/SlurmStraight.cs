using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DKube.Testing;

namespace DKube.Benchmarks.Slurm;

/// <summary>The job mix straight into slurmrestd, as a client of Slurm would send it without DKube.</summary>
public sealed class SlurmStraight(SlurmEnvironment slurm) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private string Api => $"{slurm.Endpoint.TrimEnd('/')}/slurm/{slurm.ApiVersion}";

    public async Task SubmitAsync(string name)
    {
        var body = new JsonObject
        {
            ["script"] = "#!/bin/bash\ntrue\n",
            ["job"] = new JsonObject
            {
                ["name"] = name,
                ["gres"] = "gpu:1",
                ["tasks"] = 1,
                ["cpus_per_task"] = 1,
                ["current_working_directory"] = slurm.JobsDirectory,
                ["standard_output"] = "/dev/null",
                ["environment"] = new JsonObject { ["PATH"] = "/usr/local/bin:/usr/bin:/bin" },
            },
        };
        using var request = NewRequest(HttpMethod.Post, "/job/submit");
        // slurmrestd 22.05 rejects a charset parameter on the content type.
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        request.Content.Headers.ContentType = new("application/json");
        using var response = await _http.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        if (answer?["job_id"] is null)
        {
            throw new InvalidOperationException($"slurmrestd refused {name}: {answer?["errors"]?.ToJsonString()}");
        }
    }

    /// <summary>How many jobs whose name starts with <paramref name="prefix"/> ended, and whether any failed.</summary>
    public async Task<(int Ended, int Failed)> CountEndedAsync(string prefix)
    {
        using var request = NewRequest(HttpMethod.Get, "/jobs");
        using var response = await _http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        var (ended, failed) = (0, 0);
        foreach (var job in json.RootElement.GetProperty("jobs").EnumerateArray())
        {
            if (job.GetProperty("name").GetString()?.StartsWith(prefix, StringComparison.Ordinal) != true)
            {
                continue;
            }

            var state = job.GetProperty("job_state").GetString();
            ended += state is "COMPLETED" or "FAILED" or "CANCELLED" or "TIMEOUT" or "NODE_FAIL" or "OUT_OF_MEMORY" ? 1 : 0;
            failed += state is "COMPLETED" or "PENDING" or "RUNNING" or "COMPLETING" or "CONFIGURING" ? 0 : 1;
        }

        return (ended, failed);
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage NewRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, Api + path);
        request.Headers.Add("X-SLURM-USER-NAME", slurm.User);
        request.Headers.Add("X-SLURM-USER-TOKEN", slurm.Token);
        return request;
    }
}
