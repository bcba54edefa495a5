using System.Net;
using DKube.Abstractions.Repos;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos;

/// <summary>The run layer's side (materialize, commit output, record usage) and the lineage it leaves, read back over HTTP.</summary>
[Collection(RepoCollection.Name)]
public sealed class LineageTests(RepoFixture fixture)
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Materialize_writes_the_latest_or_a_named_version_with_read_only_files()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("datasets", new { name = "mat" })).Expect(HttpStatusCode.Created)["id"];
            (await alice.Upload($"datasets/{id}/versions", Archives.Tar(("data.csv", "v1")))).Expect(HttpStatusCode.Created);
            (await alice.Upload($"datasets/{id}/versions", Archives.Tar(("data.csv", "v2")))).Expect(HttpStatusCode.Created);
            var versions = fixture.Service<IDataVersions>();

            var latest = Path.Combine(fixture.DataDir, "runs", Guid.NewGuid().ToString("N"));
            Assert.Equal(2, await versions.MaterializeAsync(RepoKind.Dataset, id, null, latest));
            Assert.Equal("v2", await File.ReadAllTextAsync(Path.Combine(latest, "data.csv")));
            Assert.False(File.GetUnixFileMode(Path.Combine(latest, "data.csv")).HasFlag(UnixFileMode.UserWrite));

            var first = Path.Combine(fixture.DataDir, "runs", Guid.NewGuid().ToString("N"));
            Assert.Equal(1, await versions.MaterializeAsync(RepoKind.Dataset, id, 1, first));
            Assert.Equal("v1", await File.ReadAllTextAsync(Path.Combine(first, "data.csv")));
        }
    }

    [Fact]
    public async Task A_committed_output_becomes_the_next_version_and_lineage_leads_back_to_the_uploaded_root()
    {
        var (_, user, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var raw = (await alice.Post("datasets", new { name = "raw" })).Expect(HttpStatusCode.Created)["id"];
            (await alice.Upload($"datasets/{raw}/versions", Archives.Tar(("raw.csv", "1,2,3")))).Expect(HttpStatusCode.Created);
            var clean = (await alice.Post("datasets", new { name = "clean" })).Expect(HttpStatusCode.Created)["id"];
            var model = (await alice.Post("models", new { name = "mnist" })).Expect(HttpStatusCode.Created)["id"];
            var versions = fixture.Service<IDataVersions>();

            // A preprocessing run reads raw v1 and writes clean v1.
            await versions.RecordUsageAsync(RepoKind.Dataset, raw, 1, "run-prep");
            var prepOut = NewOutput(("clean.csv", "1,2"));
            var cleanV1 = await versions.CommitOutputAsync(RepoKind.Dataset, clean, prepOut, new Lineage(
                "run-prep", user, null, null, "python:3.12", "python prep.py", new Dictionary<string, string>(), [new VersionId(RepoKind.Dataset, raw, 1)]));
            Assert.Equal(1, cleanV1.Version);

            // A training run reads clean v1 (recorded at its start) and writes model v1.
            await versions.RecordUsageAsync(RepoKind.Dataset, clean, 1, "run-train");
            var trainOut = NewOutput(("model.pt", "weights"), ("metrics/acc.txt", "0.97"));
            var modelV1 = await versions.CommitOutputAsync(RepoKind.Model, model, trainOut, new Lineage(
                "run-train", user, "cr-000000000001", "abc1234", "pytorch:2", "python train.py",
                new Dictionary<string, string> { ["lr"] = "0.01" }, [new VersionId(RepoKind.Dataset, clean, 1)], new Dictionary<string, double> { ["accuracy"] = 0.97 }));
            Assert.Equal(2, modelV1.FileCount);

            var version = (await alice.Get($"models/{model}/versions/1")).Expect(HttpStatusCode.OK).Json;
            Assert.Equal("run-train", version["run"]!.ToString());
            Assert.Equal("abc1234", version["lineage"]!["commit"]!.ToString());
            Assert.Equal("Development", version["stage"]!.ToString());

            var graph = (await alice.Get($"models/{model}/versions/1/lineage")).Expect(HttpStatusCode.OK).Json;
            var nodes = graph["nodes"]!.AsArray();
            Assert.Equal(3, nodes.Count);
            var root = nodes.Single(n => n!["repoId"]!.ToString() == raw)!;
            Assert.True(root["uploaded"]!.GetValue<bool>());
            Assert.Equal(new[] { "run-prep" }, root["usedBy"]!.AsArray().Select(r => r!.ToString()));
            Assert.Equal(2, graph["edges"]!.AsArray().Count);
            Assert.Contains(graph["edges"]!.AsArray(), e => e!["run"]!.ToString() == "run-train" && e["from"]!["repoId"]!.ToString() == clean);

            // The dataset version lists the runs that used it.
            var cleanVersion = (await alice.Get($"datasets/{clean}/versions/1")).Expect(HttpStatusCode.OK).Json;
            Assert.Equal(new[] { "run-train" }, cleanVersion["usedBy"]!.AsArray().Select(r => r!.ToString()));
        }
    }

    [Fact]
    public async Task Output_with_a_link_leading_outside_is_refused()
    {
        var (_, user, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("datasets", new { name = "out" })).Expect(HttpStatusCode.Created)["id"];
            var output = NewOutput(("ok.txt", "ok"));
            File.CreateSymbolicLink(Path.Combine(output, "passwd"), "/etc/passwd");
            var lineage = new Lineage("run-x", user, null, null, null, null, new Dictionary<string, string>(), []);
            var error = await Assert.ThrowsAsync<DKube.Abstractions.Errors.DomainException>(
                () => fixture.Service<IDataVersions>().CommitOutputAsync(RepoKind.Dataset, id, output, lineage));
            Assert.Equal("unsafe-archive", error.Code);
            Assert.Empty((await alice.Get($"datasets/{id}/versions")).Items);
        }
    }

    private string NewOutput(params (string Path, string Content)[] files)
    {
        var folder = Path.Combine(fixture.DataDir, "outputs", Guid.NewGuid().ToString("N"));
        foreach (var (path, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
            File.WriteAllText(Path.Combine(folder, path), content);
        }

        return folder;
    }
}
