using System.Diagnostics;
using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;
using Xunit.Abstractions;

namespace DKube.Integration.Tests.Runs;

/// <summary>
/// Issue 9's "done when": a run with a 2 GiB input dataset. Staging it (a real copy out of the
/// version store) takes as long as the disk needs, past the 10 s grain-call timeout on a busy
/// machine, yet the run is staged and started once, completes with one output version, and a read
/// of the run answers at once all along. The content is a sparse file, so making it costs no
/// time; uploading, hashing and copying it are real.
/// </summary>
public sealed class LargeInputTests(ITestOutputHelper output)
{
    private const long InputBytes = 2L * 1024 * 1024 * 1024;

    [Fact]
    public async Task A_run_with_a_2_GiB_input_stages_off_the_call_completes_once_with_one_output_version_and_answers_reads_throughout()
    {
        var dataDir = ServerHandle.NewDataDir();
        var scratch = Directory.CreateTempSubdirectory("dkube-large-").FullName;
        try
        {
            await using var server = await ServerHandle.StartAsync(await SharedPostgres.NewDatabaseAsync(), dataDir);
            using var op = new ApiClient(server.Url, ServerHandle.OperatorToken);
            (await op.Post("groups", new { name = "big", gpus = 1 })).Expect(HttpStatusCode.Created);
            var token = (await op.Post("users", new { name = "ann" })).Expect(HttpStatusCode.Created)["token"];
            (await op.Put("groups/big/members/ann")).Expect(HttpStatusCode.OK);
            using var ann = op.As(token);
            var input = (await ann.Post("datasets", new { name = "huge" })).Expect(HttpStatusCode.Created)["id"];
            var model = (await ann.Post("models", new { name = "sum" })).Expect(HttpStatusCode.Created)["id"];

            var sparse = Path.Combine(scratch, "huge.bin");
            await using (var file = File.Create(sparse))
            {
                file.SetLength(InputBytes);
            }

            var upload = Stopwatch.StartNew();
            (await UploadAsync(ann, $"datasets/{input}/versions", sparse)).Expect(HttpStatusCode.Created);
            File.Delete(sparse);
            output.WriteLine($"Uploaded (and hashed, stored) 2 GiB in {upload.Elapsed.TotalSeconds:F1} s.");

            var run = (await ann.Post("runs", new
            {
                name = "checksum",
                kind = "training",
                command = "wc -c < in/huge.bin > \"$DKUBE_OUTPUT_DIR/size.txt\"",
                inputs = new { datasets = new[] { new { name = "huge", mountPath = "in" } } },
                output = new { model = "sum" },
                gpus = 0,
            })).Expect(HttpStatusCode.Created)["id"];

            // Read the run all along: every read answers, whatever step it is in.
            var steps = new List<(TimeSpan At, string Status, string? Reason)>();
            var slowest = TimeSpan.Zero;
            var clock = Stopwatch.StartNew();
            string status;
            do
            {
                var read = Stopwatch.StartNew();
                var reply = (await ann.Get($"runs/{run}")).Expect(HttpStatusCode.OK);
                slowest = read.Elapsed > slowest ? read.Elapsed : slowest;
                status = reply["status"];
                var reason = reply.Json["reason"]?.ToString();
                if (steps.Count == 0 || steps[^1].Status != status || steps[^1].Reason != reason)
                {
                    steps.Add((clock.Elapsed, status, reason));
                }

                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), $"still {status} ({reason}) after 5 minutes");
                await Task.Delay(200);
            }
            while (status is not ("Complete" or "Failed" or "Error" or "Stopped"));

            output.WriteLine("Steps: " + string.Join(", ", steps.Select(s => $"{s.At.TotalSeconds:F1} s {s.Status}{(s.Reason is null ? "" : $" ({s.Reason})")}")));
            output.WriteLine($"Slowest read of the run: {slowest.TotalMilliseconds:F0} ms.");
            var staging = steps.FirstOrDefault(s => s.Reason == "staging-inputs");
            var next = steps.SkipWhile(s => s.Reason != "staging-inputs").Skip(1).FirstOrDefault();
            if (staging.Status is not null && next.Status is not null)
            {
                output.WriteLine($"Staging took about {(next.At - staging.At).TotalSeconds:F1} s (the grain-call timeout is 10 s).");
            }

            var ended = (await ann.Get($"runs/{run}")).Expect(HttpStatusCode.OK).Json;
            Assert.True(status == "Complete", ended.ToJsonString() + (await ann.Get($"runs/{run}/logs")).Text);
            Assert.Contains(steps, s => s.Reason == "staging-inputs");
            Assert.Equal(1, ended["outputVersion"]!.GetValue<int>());
            var versions = (await ann.Get($"models/{model}/versions")).Expect(HttpStatusCode.OK).Items;
            Assert.Single(versions);
            Assert.Equal(InputBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                (await ann.DownloadFiles($"models/{model}/versions/1/archive"))["size.txt"].Trim());
            // Started once: one working folder, one process.
            Assert.Single(Directory.GetDirectories(Path.Combine(dataDir, "work")));
        }
        finally
        {
            RunProcesses.KillAll(dataDir);
            SharedPostgres.TryDelete(dataDir);
            SharedPostgres.TryDelete(scratch);
        }
    }

    /// <summary>Uploads <paramref name="file"/> as a one-entry tar written straight into the request (nothing of 2 GiB is held in memory or written twice).</summary>
    private static async Task<Reply> UploadAsync(ApiClient client, string path, string file)
    {
        using var http = new HttpClient { BaseAddress = client.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);
        using var content = new TarContent(file);
        using var response = await http.PostAsync("/api/v1/" + path, content);
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private sealed class TarContent : HttpContent
    {
        private readonly string _file;

        public TarContent(string file)
        {
            _file = file;
            Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
            await writer.WriteEntryAsync(_file, Path.GetFileName(_file));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
