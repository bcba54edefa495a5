using System.Formats.Tar;
using System.Net;
using System.Text;
using DKube.Abstractions.Repos;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos;

[Collection(RepoCollection.Name)]
public sealed class VersionTests(RepoFixture fixture)
{
    [Fact]
    public async Task An_empty_dataset_takes_tar_and_zip_versions_and_gives_them_back_as_tar()
    {
        var (_, user, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("datasets", new { name = "images" })).Expect(HttpStatusCode.Created)["id"];
            Assert.Empty((await alice.Get($"datasets/{id}/versions")).Expect(HttpStatusCode.OK).Items);

            var v1 = (await alice.Upload($"datasets/{id}/versions", Archives.Tar(("a.txt", "alpha"), ("sub/b.txt", "beta")))).Expect(HttpStatusCode.Created);
            Assert.Equal(1, v1.Json["version"]!.GetValue<int>());
            Assert.Equal(2, v1.Json["fileCount"]!.GetValue<int>());
            Assert.Equal(9, v1.Json["size"]!.GetValue<long>());
            Assert.Equal(user, v1["creator"]);

            var v2 = (await alice.Upload($"datasets/{id}/versions", Archives.Zip(("c.csv", "x,y\n1,2\n")), "application/zip")).Expect(HttpStatusCode.Created);
            Assert.Equal(2, v2.Json["version"]!.GetValue<int>());

            Assert.Equal(new[] { 1, 2 }, (await alice.Get($"datasets/{id}/versions")).Items.Select(v => v!["version"]!.GetValue<int>()));
            Assert.Equal(2, (await alice.Get($"datasets/{id}")).Json["latestVersion"]!.GetValue<int>());
            var files = await alice.DownloadFiles($"datasets/{id}/versions/1/archive");
            Assert.Equal("alpha", files["a.txt"]);
            Assert.Equal("beta", files["sub/b.txt"]);
            Assert.Equal("x,y\n1,2\n", (await alice.DownloadFiles($"datasets/{id}/versions/2/archive"))["c.csv"]);
            (await alice.Get($"datasets/{id}/versions/3")).ExpectProblem(HttpStatusCode.NotFound);
            (await alice.Upload($"datasets/{id}/versions", [1, 2, 3], "application/json")).ExpectProblem(HttpStatusCode.UnsupportedMediaType);
        }
    }

    [Fact]
    public async Task Uploads_larger_than_the_json_limit_but_within_the_upload_limit_are_accepted()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("models", new { name = "big" })).Expect(HttpStatusCode.Created)["id"];
            var content = new string('m', 3 * 1024 * 1024);
            (await alice.Upload($"models/{id}/versions", Archives.Tar(("weights.bin", content)))).Expect(HttpStatusCode.Created);
            Assert.Equal(content, (await alice.DownloadFiles($"models/{id}/versions/1/archive"))["weights.bin"]);
        }
    }

    [Fact]
    public async Task Uploading_the_same_content_twice_stores_its_bytes_once()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("datasets", new { name = "dedup" })).Expect(HttpStatusCode.Created)["id"];
            var body = Archives.Tar(("same.bin", new string('s', 100_000) + Guid.NewGuid()));
            var first = (await alice.Upload($"datasets/{id}/versions", body)).Expect(HttpStatusCode.Created);
            var stored = fixture.StoredBlobCount();
            var second = (await alice.Upload($"datasets/{id}/versions", body)).Expect(HttpStatusCode.Created);

            Assert.Equal(2, second.Json["version"]!.GetValue<int>());
            Assert.Equal(first["digest"], second["digest"]);
            Assert.Equal(stored, fixture.StoredBlobCount());
            Assert.Equal(0, fixture.StagingEntryCount());
        }
    }

    public static TheoryData<string, byte[], string> HostileArchives => new()
    {
        { "dot-dot", Archives.Tar(("ok.txt", "fine"), ("../escape.txt", "evil")), "application/x-tar" },
        { "nested dot-dot", Archives.Tar(("a/../../escape.txt", "evil")), "application/x-tar" },
        { "absolute", Archives.Tar(("/etc/cron.d/evil", "evil")), "application/x-tar" },
        { "symlink out", Archives.TarOf(w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "../../../etc/passwd" })), "application/x-tar" },
        { "absolute symlink", Archives.TarOf(w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "/etc/passwd" })), "application/x-tar" },
        {
            "link to root then up",
            Archives.TarOf(w =>
            {
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "root") { LinkName = "." });
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "up") { LinkName = "root/.." });
            }),
            "application/x-tar"
        },
        {
            "write through a link",
            Archives.TarOf(w =>
            {
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "dir") { LinkName = "sub" });
                w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "dir/file") { DataStream = new MemoryStream("x"u8.ToArray()) });
            }),
            "application/x-tar"
        },
        { "hard link out", Archives.TarOf(w => w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "hard") { LinkName = "/etc/shadow" })), "application/x-tar" },
        { "device", Archives.TarOf(w => w.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "null"))), "application/x-tar" },
        { "zip dot-dot", Archives.Zip(("ok.txt", "fine"), ("../../escape.txt", "evil")), "application/zip" },
        { "zip absolute", Archives.Zip(("/tmp/escape.txt", "evil")), "application/zip" },
        { "not an archive", Encoding.UTF8.GetBytes(new string('z', 2000)), "application/zip" },
    };

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public async Task Unsafe_archives_are_refused_with_422_and_write_nothing(string why, byte[] body, string contentType)
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("datasets", new { name = "target" })).Expect(HttpStatusCode.Created)["id"];
            var stored = fixture.StoredBlobCount();

            var reply = await alice.Upload($"datasets/{id}/versions", body, contentType);

            Assert.True(reply.Status == HttpStatusCode.UnprocessableEntity, $"{why}: {reply}");
            reply.ExpectProblem(HttpStatusCode.UnprocessableEntity);
            Assert.Empty((await alice.Get($"datasets/{id}/versions")).Items);
            Assert.Equal(stored, fixture.StoredBlobCount());
            Assert.Equal(0, fixture.StagingEntryCount());
            Assert.False(File.Exists(Path.Combine(fixture.DataDir, "escape.txt")));
        }
    }

    [Fact]
    public async Task Links_that_stay_inside_the_version_are_kept()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("datasets", new { name = "links" })).Expect(HttpStatusCode.Created)["id"];
            var body = Archives.TarOf(w =>
            {
                w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "data/real.txt") { DataStream = new MemoryStream("real"u8.ToArray()) });
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "data/alias.txt") { LinkName = "real.txt" });
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "data/nested/up.txt") { LinkName = "../real.txt" });
            });
            (await alice.Upload($"datasets/{id}/versions", body)).Expect(HttpStatusCode.Created);
            var target = Path.Combine(fixture.DataDir, "materialized", id);
            await fixture.Service<IDataVersions>().MaterializeAsync(RepoKind.Dataset, id, null, target);
            Assert.Equal("real", await File.ReadAllTextAsync(Path.Combine(target, "data/nested/up.txt")));
        }
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_413_and_leaves_no_partial_version()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("datasets", new { name = "huge" })).Expect(HttpStatusCode.Created)["id"];
            var stored = fixture.StoredBlobCount();
            var body = Archives.Tar(("small.txt", "first file is fine"), ("huge.bin", new string('h', (int)RepoFixture.MaxUploadBytes + 1024)));

            (await alice.Upload($"datasets/{id}/versions", body)).ExpectProblem(HttpStatusCode.RequestEntityTooLarge);

            Assert.Empty((await alice.Get($"datasets/{id}/versions")).Items);
            Assert.Equal(0, (await alice.Get($"datasets/{id}")).Json["latestVersion"]!.GetValue<int>());
            Assert.Equal(stored, fixture.StoredBlobCount());
            Assert.Equal(0, fixture.StagingEntryCount());
        }
    }

    [Fact]
    public async Task Another_group_cannot_see_list_upload_or_download_versions()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        var (_, _, bob) = await fixture.NewTenantAsync();
        using (alice)
        using (bob)
        {
            var id = (await alice.Post("datasets", new { name = "private" })).Expect(HttpStatusCode.Created)["id"];
            (await alice.Upload($"datasets/{id}/versions", Archives.Tar(("a", "a")))).Expect(HttpStatusCode.Created);
            (await bob.Get($"datasets/{id}")).ExpectProblem(HttpStatusCode.NotFound);
            (await bob.Get($"datasets/{id}/versions")).ExpectProblem(HttpStatusCode.NotFound);
            (await bob.Get($"datasets/{id}/versions/1/archive")).ExpectProblem(HttpStatusCode.NotFound);
            (await bob.Get($"datasets/{id}/versions/1/lineage")).ExpectProblem(HttpStatusCode.NotFound);
            (await bob.Upload($"datasets/{id}/versions", Archives.Tar(("b", "b")))).ExpectProblem(HttpStatusCode.NotFound);
            (await bob.Get($"models/{id}")).ExpectProblem(HttpStatusCode.NotFound);
            Assert.DoesNotContain(id, (await bob.Get("datasets")).Items.Strings("id"));
        }
    }

    [Fact]
    public async Task A_non_versioned_dataset_points_at_a_location_and_refuses_uploads()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            (await alice.Post("datasets", new { name = "ext", versioned = false })).ExpectProblem(HttpStatusCode.BadRequest);
            var id = (await alice.Post("datasets", new { name = "ext", versioned = false, location = "s3://bucket/prefix" })).Expect(HttpStatusCode.Created)["id"];
            Assert.Equal("s3://bucket/prefix", (await alice.Get($"datasets/{id}")).Expect(HttpStatusCode.OK)["location"]);
            (await alice.Upload($"datasets/{id}/versions", Archives.Tar(("a", "a")))).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        }
    }
}
