using System.Formats.Tar;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace DKube.Benchmarks.Serving;

/// <summary>The few API calls the benchmark makes, over HTTP as a client would.</summary>
internal sealed class Api(HttpClient http)
{
    /// <summary>A model repository with <paramref name="versions"/> uploaded versions (a file each); its id.</summary>
    public async Task<string> ModelAsync(string name, int versions)
    {
        var id = (await PostAsync("models", new { name })).GetProperty("id").GetString()!;
        for (var v = 1; v <= versions; v++)
        {
            using var tar = new MemoryStream();
            await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            {
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "v.txt") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes($"{v}")) });
            }

            using var content = new ByteArrayContent(tar.ToArray());
            content.Headers.ContentType = new("application/x-tar");
            (await http.PostAsync($"/api/v1/models/{id}/versions", content)).EnsureSuccessStatusCode();
        }

        return id;
    }

    /// <summary>A custom-runtime deployment, once it is Running with its replicas ready; its id.</summary>
    public async Task<string> DeployAsync(string name, string model, string command, int min, int max, int maxConcurrent)
    {
        var id = (await PostAsync("deployments", new
        {
            name, model = new { name = "bench-model", version = 1 }, serving = new { runtime = "custom", command },
            minReplicas = min, maxReplicas = max, maxConcurrentRequests = maxConcurrent, logPredictions = false,
        })).GetProperty("id").GetString()!;
        await UntilAsync(id, d => d.GetProperty("status").GetString() == "Running" && d.GetProperty("replicas").GetProperty("ready").GetInt32() >= Math.Max(min, 1));
        return id;
    }

    public async Task<JsonElement> GetAsync(string path) => await http.GetFromJsonAsync<JsonElement>($"/api/v1/{path}");

    public async Task PatchAsync(string path, object body) => (await http.PatchAsJsonAsync($"/api/v1/{path}", body)).EnsureSuccessStatusCode();

    /// <summary>Looks at the deployment every 50 ms until <paramref name="done"/> holds (3 minutes at most).</summary>
    public async Task<JsonElement> UntilAsync(string id, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var view = await GetAsync($"deployments/{id}");
            if (done(view))
            {
                return view;
            }

            if (view.GetProperty("status").GetString() == "Error" || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"deployment {id}: {view}");
            }

            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var answer = await http.PostAsJsonAsync($"/api/v1/{path}", body);
        answer.EnsureSuccessStatusCode();
        return await answer.Content.ReadFromJsonAsync<JsonElement>();
    }
}
