using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DKube.Server;

// Usage: dotnet run -c Release --project benchmarks/DKube.Benchmarks.Repos [-- <size in MiB, default 1024>]
var sizeMiB = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1024;
const int FileMiB = 64;
var work = Directory.CreateTempSubdirectory("dkube-bench-repos-");
try
{
    var archive = Path.Combine(work.FullName, "upload.tar");
    Console.WriteLine($"Writing a {sizeMiB} MiB tar of {FileMiB} MiB pseudo-random files to {archive} ...");
    WriteArchive(archive, sizeMiB, FileMiB);
    var archiveBytes = new FileInfo(archive).Length;

    const string token = "dkt_benchmark_operator_token_0123456789abcdef";
    await using var server = await DKubeServer.StartAsync(
        ["--urls=http://127.0.0.1:0", $"--DATA_DIR={Path.Combine(work.FullName, "data")}", $"--OPERATOR_TOKEN={token}",
         $"--MAX_UPLOAD_BYTES={archiveBytes + (1L << 20)}", "--Logging:LogLevel:Default=Warning"],
        TextWriter.Null);
    using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromHours(1) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    (await http.PostAsJsonAsync("/api/v1/groups", new { name = "bench", gpus = 0 })).EnsureSuccessStatusCode();
    var created = await (await http.PostAsJsonAsync("/api/v1/datasets", new { name = "bench", group = "bench" })).EnsureSuccessStatusCode()
        .Content.ReadFromJsonAsync<JsonElement>();
    var id = created.GetProperty("id").GetString()!;

    var upload = Stopwatch.StartNew();
    await using (var body = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous))
    using (var content = new StreamContent(body, 1 << 20))
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await http.PostAsync($"/api/v1/datasets/{id}/versions", content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Upload failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    upload.Stop();

    var download = Stopwatch.StartNew();
    long received = 0;
    using (var response = await http.GetAsync($"/api/v1/datasets/{id}/versions/1/archive", HttpCompletionOption.ResponseHeadersRead))
    {
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            received += read;
        }
    }

    download.Stop();
    Console.WriteLine($"upload:   {archiveBytes / 1e6:F0} MB in {upload.Elapsed.TotalSeconds:F2} s = {archiveBytes / 1e6 / upload.Elapsed.TotalSeconds:F1} MB/s");
    Console.WriteLine($"download: {received / 1e6:F0} MB in {download.Elapsed.TotalSeconds:F2} s = {received / 1e6 / download.Elapsed.TotalSeconds:F1} MB/s");
}
finally
{
    work.Delete(recursive: true);
}

// Distinct pseudo-random files, so neither compression nor deduplication flatters the figures.
static void WriteArchive(string path, int sizeMiB, int fileMiB)
{
    using var file = File.Create(path);
    using var writer = new TarWriter(file, TarEntryFormat.Pax);
    var buffer = new byte[fileMiB << 20];
    for (var i = 0; i < sizeMiB / fileMiB; i++)
    {
        new Random(i).NextBytes(buffer);
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"part-{i:D4}.bin") { DataStream = new MemoryStream(buffer, writable: false) });
    }
}
