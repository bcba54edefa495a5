using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Tenancy;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Benchmarks.Studies;

/// <summary>
/// Scheduling overhead of a study (issue 14): n trials of a command that does nothing but print its
/// metric (<c>echo loss=1</c>, Katib's StdOut format), one GPU each, through one study with
/// <c>parallelTrialCount</c> p in a pool of p GPUs, against the same n runs submitted directly
/// (<c>POST /runs:batch</c>) to the same kind of pool; trials (runs) per second from the first
/// request to the last end, on the embedded default. The load average is printed beside each
/// figure: the machine may be shared.
/// </summary>
internal static class StudyOverhead
{
    private const string Command = "echo loss=1";

    public static async Task<int> RunAsync(int trials, int parallel)
    {
        var dataDir = Directory.CreateTempSubdirectory("dkube-bench-study-").FullName;
        await using var server = await DKubeServer.StartAsync(
            ["--urls=http://127.0.0.1:0", $"--DATA_DIR={dataDir}", "--Logging:LogLevel:Default=Warning", "--SILO_PORT=21131", "--GATEWAY_PORT=32020",
             "--RATE_READS_PER_SECOND=1000000", "--RATE_WRITES_PER_SECOND=1000000"], TextWriter.Null);
        var grains = server.App.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IClusterGrain>("bench").Register(new ClusterSpec("bench", ClusterKind.Local,
            [new NodeInfo("n0", 2 * parallel, 64, 512, [])], new Dictionary<string, string>()));
        var token = await grains.GetGrain<IUserGrain>("bench-user").Create([Roles.DataScientist]);
        foreach (var group in new[] { "study", "direct" })
        {
            await grains.GetGrain<IGroupGrain>(group).Create(parallel, ["bench"], null, null);
            await grains.GetGrain<IGroupGrain>(group).AddMember("bench-user");
        }

        using var http = new HttpClient { BaseAddress = new Uri(server.Url, "/api/v1/"), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Console.WriteLine($"DKube.Orleans study overhead: {trials} trials of `{Command}`, {parallel} at a time (pool of {parallel} GPUs), {Environment.ProcessorCount} cores, embedded PostgreSQL");

        var watch = Stopwatch.StartNew();
        var load = Load();
        using (var created = await http.PostAsJsonAsync("runs", new { name = "overhead", kind = "training", group = "study", gpus = 1, command = Command, tuning = Tuning(trials, parallel) }))
        {
            created.EnsureSuccessStatusCode();
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            JsonElement study;
            while ((study = await http.GetFromJsonAsync<JsonElement>($"runs/{id}/study")).GetProperty("status").GetString() == "Running")
            {
                await Task.Delay(100);
            }

            var ran = study.GetProperty("trials").GetArrayLength();
            Report($"through one study ({study.GetProperty("status").GetString()}, {ran} trials)", ran, watch.Elapsed, load);
        }

        watch.Restart();
        load = Load();
        var ids = new List<string>();
        for (var first = 0; first < trials; first += 1_000)
        {
            var runs = Enumerable.Range(first, Math.Min(1_000, trials - first))
                .Select(i => new { name = $"direct-{i}", kind = "training", group = "direct", gpus = 1, command = Command });
            // "./": a relative "runs:batch" reads as a URI of scheme "runs".
            using var response = await http.PostAsJsonAsync("./runs:batch", new { runs });
            response.EnsureSuccessStatusCode();
            foreach (var item in (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray())
            {
                ids.Add(item.GetProperty("status").GetInt32() == 201
                    ? item.GetProperty("run").GetProperty("id").GetString()!
                    : throw new InvalidOperationException($"A run was refused: {item}"));
            }
        }

        var waiting = new HashSet<string>(ids, StringComparer.Ordinal);
        while (waiting.Count > 0)
        {
            foreach (var id in waiting.Take(200).ToList())
            {
                var status = (await http.GetFromJsonAsync<JsonElement>($"runs/{id}")).GetProperty("status").GetString();
                if (status is "Complete" or "Failed" or "Stopped" or "Error")
                {
                    waiting.Remove(id);
                }
            }

            if (waiting.Count > 0)
            {
                await Task.Delay(100);
            }
        }

        Report("submitted directly (POST /runs:batch)", ids.Count, watch.Elapsed, load);
        return 0;
    }

    private static void Report(string what, int count, TimeSpan elapsed, string loadBefore) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-48} {count / elapsed.TotalSeconds,8:F1} trials/s  ({count} in {elapsed.TotalSeconds:F1} s; load average {loadBefore} before, {Load()} after)"));

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static string Tuning(int trials, int parallel) => $"""
        apiVersion: kubeflow.org/v1beta1
        kind: Experiment
        metadata:
          name: overhead
        spec:
          objective:
            type: minimize
            objectiveMetricName: loss
          algorithm:
            algorithmName: random
          parallelTrialCount: {parallel}
          maxTrialCount: {trials}
          maxFailedTrialCount: {trials}
          parameters:
            - name: x
              parameterType: double
              feasibleSpace:
                min: "0"
                max: "1"
          trialTemplate:
            trialParameters:
              - name: x
                reference: x
        """;
}
