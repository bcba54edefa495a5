using System.Net;
using DKube.Executors.Local;
using DKube.Grains.Execution;
using DKube.Grains.Retention;
using DKube.Grains.Workloads;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;
using DKube.Storage.ReadModel;
using DKube.Storage.Versions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DKube.Integration.Tests.Retention;

/// <summary>
/// Disk is given back: ended runs' folders after the retention, blobs no version references after
/// the grace period; never what a live run, a version or an upload in progress needs. Each pass is
/// called directly with a <see cref="FakeTimeProvider"/> set ahead of the real clock.
/// </summary>
public sealed class DiskReclaimTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly RetentionOptions Options = new(TimeSpan.FromHours(168), TimeSpan.FromHours(6), TimeSpan.FromHours(1));

    [Fact]
    public async Task Ended_run_folders_go_after_the_retention_and_a_running_runs_folders_stay()
    {
        var (_, _, client) = await server.NewTenantAsync(gpus: 2);
        using (client)
        {
            (await client.Post("models", new { name = "kept" })).Expect(HttpStatusCode.Created);
            var ended = (await client.Post("runs", new { name = "done", kind = "training", command = "echo out > \"$DKUBE_OUTPUT_DIR/m\"", gpus = 0, output = new { model = "kept" } }))
                .Expect(HttpStatusCode.Created)["id"];
            await Eventually.Until(() => client.Get($"runs/{ended}"), r => r["status"] == "Complete", what: $"{ended} Complete");
            var running = (await client.Post("runs", new { name = "busy", kind = "training", command = "sleep 600", gpus = 0 })).Expect(HttpStatusCode.Created)["id"];
            await Eventually.Until(() => client.Get($"runs/{running}"), r => r["status"] == "Running", what: $"{running} Running");
            var endedFolders = new[] { Path.Combine(server.DataDir, "work", ended + "-1"), Path.Combine(server.DataDir, "runs", ended + "-1") };
            var runningFolder = Path.Combine(server.DataDir, "work", running + "-1");
            Assert.All(endedFolders.Append(runningFolder), f => Assert.True(Directory.Exists(f), f));

            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(167));
            Assert.Empty(await Reclaimer(clock).SweepRunFoldersAsync(CancellationToken.None));

            clock.Advance(TimeSpan.FromHours(2));
            var deleted = await Reclaimer(clock).SweepRunFoldersAsync(CancellationToken.None);

            Assert.Equal(endedFolders.Order(), deleted.Order());
            Assert.All(endedFolders, f => Assert.False(Directory.Exists(f), f));
            Assert.True(Directory.Exists(runningFolder));
            // The run and its output version outlive its folders.
            Assert.Equal("Complete", (await client.Get($"runs/{ended}"))["status"]);
            (await client.Post($"runs/{running}/stop")).Expect(HttpStatusCode.OK);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Blobs_no_version_references_go_after_the_grace_and_referenced_or_fresh_ones_stay()
    {
        var (_, _, client) = await server.NewTenantAsync();
        using (client)
        {
            var kept = (await client.Post("datasets", new { name = "kept" })).Expect(HttpStatusCode.Created)["id"];
            (await client.Upload($"datasets/{kept}/versions", Archives.Tar(("a.csv", "kept-" + Guid.NewGuid())))).Expect(HttpStatusCode.Created);
            var dropped = (await client.Post("datasets", new { name = "dropped" })).Expect(HttpStatusCode.Created)["id"];
            var droppedContent = "dropped-" + Guid.NewGuid();
            (await client.Upload($"datasets/{dropped}/versions", Archives.Tar(("b.csv", droppedContent)))).Expect(HttpStatusCode.Created);
            (await client.Delete($"datasets/{dropped}")).Expect(HttpStatusCode.NoContent);
            var store = Service<IBlobStore>() as FileBlobStore ?? throw new InvalidOperationException("not a file store");
            var droppedBlob = Sha256(droppedContent);
            Assert.Contains(droppedBlob, store.ListHashes());

            // An upload in progress: content stored a moment ago, its version not recorded yet.
            var inFlight = await PutAsync(store, "in-flight-" + Guid.NewGuid());

            // Within the grace period nothing unreferenced goes.
            Assert.Equal(0, await Reclaimer(new FakeTimeProvider(DateTimeOffset.UtcNow)).CollectBlobsAsync(CancellationToken.None));
            Assert.Contains(droppedBlob, store.ListHashes());

            // Past it the deleted repository's file and manifest go; the in-flight blob is younger than the grace.
            Assert.True(await Reclaimer(new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(5))).CollectBlobsAsync(CancellationToken.None) == 0);
            var collected = await Reclaimer(new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(7))).CollectBlobsAsync(CancellationToken.None);
            Assert.True(collected >= 2, $"collected {collected}");
            Assert.DoesNotContain(droppedBlob, store.ListHashes());
            Assert.DoesNotContain(inFlight, store.ListHashes());
            Assert.StartsWith("kept-", (await client.DownloadFiles($"datasets/{kept}/versions/1/archive"))["a.csv"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_reused_old_blob_is_fresh_again_so_an_upload_that_reuses_it_keeps_it()
    {
        var store = Service<IBlobStore>() as FileBlobStore ?? throw new InvalidOperationException("not a file store");
        var content = "reused-" + Guid.NewGuid();
        var hash = await PutAsync(store, content);
        var old = DateTime.UtcNow - TimeSpan.FromHours(10);
        File.SetLastWriteTimeUtc(BlobPath(hash), old);

        // A new upload stores the same content: the store keeps the one blob and refreshes its time.
        Assert.Equal(hash, await PutAsync(store, content));

        Assert.True(File.GetLastWriteTimeUtc(BlobPath(hash)) > old + TimeSpan.FromHours(9));
        await Reclaimer(new FakeTimeProvider(DateTimeOffset.UtcNow)).CollectBlobsAsync(CancellationToken.None);
        Assert.Contains(hash, store.ListHashes());
    }

    private DiskReclaimer Reclaimer(TimeProvider clock) => new(
        Service<ReadModelWriter>(), Service<IGrainFactory>(), Service<RunFolders>(), Service<LocalExecutorOptions>(), Service<IExecutorRegistry>(),
        new BlobCollector((FileBlobStore)Service<IBlobStore>(), clock, NullLogger<BlobCollector>.Instance), Options, clock, NullLogger<DiskReclaimer>.Instance);

    private T Service<T>()
        where T : notnull => server.Server.App.Services.GetRequiredService<T>();

    private string BlobPath(string hash) => Path.Combine(server.DataDir, "blobs", hash[..2], hash[2..4], hash);

    private static async Task<string> PutAsync(FileBlobStore store, string content)
    {
        var staged = Path.Combine(store.StagingRoot, Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(staged, content);
        var hash = Sha256(content);
        await store.PutAsync(hash, staged, CancellationToken.None);
        return hash;
    }

    private static string Sha256(string content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)));
}
