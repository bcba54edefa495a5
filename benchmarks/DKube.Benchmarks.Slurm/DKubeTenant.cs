using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace DKube.Benchmarks.Slurm;

/// <summary>One user of one group on one cluster, talking to DKube over HTTP only, as a real client does.</summary>
public sealed class DKubeTenant : IDisposable
{
    private readonly HttpClient _http;

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

    public async Task SubmitAsync(string name) =>
        (await PostAsync(_http, "runs", new { name, kind = "training", command = "true", gpus = 1, group = Group })).Dispose();

    /// <summary>Counts of this user's runs that completed and that ended otherwise, from one listing.</summary>
    public async Task<(int Complete, int Failed)> CountEndedAsync()
    {
        var (complete, failed) = (0, 0);
        // Every page: a mix larger than the listing's maximum page (500) spans several.
        for (string? cursor = null; ;)
        {
            var page = "/api/v1/runs?scope=mine&limit=500" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var json = JsonDocument.Parse(await _http.GetStringAsync(page));
            foreach (var run in json.RootElement.GetProperty("items").EnumerateArray())
            {
                var status = run.GetProperty("status").GetString();
                complete += status == "Complete" ? 1 : 0;
                if (status is "Failed" or "Error" or "Stopped")
                {
                    // Say why, since the mix stops on the first failure.
                    failed++;
                    Console.Error.WriteLine($"{run.GetProperty("id")} {status}: {(run.TryGetProperty("reason", out var reason) ? reason.ToString() : "")}");
                }
            }

            if (json.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String)
            {
                cursor = next.GetString();
                continue;
            }

            return (complete, failed);
        }
    }

    public void Dispose() => _http.Dispose();
}
