using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace DKube.Benchmarks.Slurm;

/// <summary>One user of one group on one cluster, talking to DKube over HTTP only, as a real client does.</summary>
public sealed class DKubeTenant : IDisposable
{
    private readonly HttpClient _http;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _submitted = new();
    private int _complete;
    private int _failed;

    private DKubeTenant(HttpClient http, string group)
    {
        _http = http;
        Group = group;
    }

    public string Group { get; }

    /// <summary>Creates a group with <paramref name="gpus"/> GPUs on <paramref name="cluster"/> and a member of it.</summary>
    public static async Task<DKubeTenant> CreateAsync(HttpClient operatorClient, Uri url, string name, string cluster, int gpus)
    {
        await PostAsync(operatorClient, "groups", new { name, gpus, clusters = new[] { cluster } });
        using var user = await PostAsync(operatorClient, "users", new { name = name + "-user" });
        var token = user.RootElement.GetProperty("token").GetString();
        (await operatorClient.PutAsync($"/api/v1/groups/{name}/members/{name}-user", null)).EnsureSuccessStatusCode();
        var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new DKubeTenant(http, name);
    }

    public static async Task<JsonDocument> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/" + path, body);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? JsonDocument.Parse(text) : throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
    }

    public async Task SubmitAsync(string name)
    {
        using var created = await PostAsync(_http, "runs", new { name, kind = "training", command = "true", gpus = 1, group = Group });
        _submitted.Enqueue(created.RootElement.GetProperty("id").GetString()!);
    }

    /// <summary>
    /// Counts of this user's runs that completed and that ended otherwise, by point reads in the
    /// order they were accepted: the first run not yet seen ended is read until it has, then the
    /// next. Runs of one size on FIFO GPUs end about in that order, so a poll costs a read or a few,
    /// where listing every run on every poll (O(runs) per poll, 20 polls a second) cost the server
    /// more CPU than the runs it measured.
    /// </summary>
    public async Task<(int Complete, int Failed)> CountEndedAsync()
    {
        while (_submitted.TryPeek(out var id))
        {
            using var run = JsonDocument.Parse(await _http.GetStringAsync("/api/v1/runs/" + Uri.EscapeDataString(id)));
            var status = run.RootElement.GetProperty("status").GetString();
            if (status == "Complete")
            {
                _complete++;
            }
            else if (status is "Failed" or "Error" or "Stopped")
            {
                // Say why, since the mix stops on the first failure.
                _failed++;
                Console.Error.WriteLine($"{id} {status}: {(run.RootElement.TryGetProperty("reason", out var reason) ? reason.ToString() : "")}");
            }
            else
            {
                break;
            }

            _submitted.TryDequeue(out _);
        }

        return (_complete, _failed);
    }

    public void Dispose() => _http.Dispose();
}
