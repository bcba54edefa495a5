using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// <c>POST /models/{id}/versions/{v}/build</c> end to end: real buildah, a real <c>docker-registry</c>,
/// the image checked in the registry itself (manifest digest, labels, the model file in a layer) and
/// in the owner's image catalog; other groups see nothing; bad input is a clear 4xx; a registry that
/// is down makes the build Failed with its reason, and a new POST builds again.
/// </summary>
public sealed class ModelBuildTests(ModelBuildFixture fixture) : IClassFixture<ModelBuildFixture>
{
    private const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    private const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    [Fact]
    public async Task A_trained_version_is_pushed_by_digest_with_its_labels_and_model_file_and_joins_the_owners_images()
    {
        using var alice = await fixture.NewTenantAsync();
        using var bob = await fixture.NewTenantAsync();
        var model = await ServingFixture.TrainModelAsync(alice, "iris");
        var path = $"models/{model}/versions/1/build";

        var accepted = (await alice.Client.Post(path, new { })).Expect(HttpStatusCode.Accepted);
        Assert.Contains(accepted["status"], new[] { "Pending", "Building", "Pushed" });
        Assert.Equal($"{fixture.Registry.Host}/dkube/iris:v1", accepted["image"]);
        // The same request again is the same build, not a second one.
        var again = (await alice.Client.Post(path, new { })).Expect(HttpStatusCode.Accepted);
        Assert.Equal(accepted["id"], again["id"]);
        Assert.Equal("1", again["attempt"]);

        var build = await ModelBuildFixture.WaitForEndAsync(alice, path);
        Assert.True(build["status"] == "Pushed", build.Text);
        var digest = build["digest"];
        Assert.StartsWith("sha256:", digest, StringComparison.Ordinal);
        Assert.Equal($"{fixture.Registry.Host}/dkube/iris@{digest}", build["imageDigestReference"]);

        // The registry itself: the tag names the digest the build reported.
        using var registry = new HttpClient { BaseAddress = fixture.Registry.Url };
        using var manifestRequest = new HttpRequestMessage(HttpMethod.Get, "v2/dkube/iris/manifests/v1");
        manifestRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciManifest));
        manifestRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(DockerManifest));
        using var manifestAnswer = await registry.SendAsync(manifestRequest);
        Assert.Equal(HttpStatusCode.OK, manifestAnswer.StatusCode);
        Assert.Equal(digest, manifestAnswer.Headers.GetValues("Docker-Content-Digest").Single());
        var manifest = JsonNode.Parse(await manifestAnswer.Content.ReadAsStringAsync())!;

        var config = JsonNode.Parse(await registry.GetStringAsync($"v2/dkube/iris/blobs/{manifest["config"]!["digest"]}"))!;
        var labels = config["config"]!["Labels"]!;
        Assert.Equal("iris", labels["io.dkube.model.name"]!.ToString());
        Assert.Equal(model, labels["io.dkube.model.id"]!.ToString());
        Assert.Equal("1", labels["io.dkube.model.version"]!.ToString());
        Assert.Equal("sklearn", labels["io.dkube.runtime"]!.ToString());
        var version = (await alice.Client.Get($"models/{model}/versions/1")).Json;
        Assert.Equal(version["lineage"]!["runId"]!.ToString(), labels["io.dkube.lineage.run"]!.ToString());
        Assert.Equal(version["digest"]!.ToString(), labels["io.dkube.model.digest"]!.ToString());
        var env = config["config"]!["Env"]!.AsArray().Select(e => e!.ToString()).ToList();
        Assert.Contains("DKUBE_MODEL_DIR=/opt/dkube/model", env);
        Assert.DoesNotContain(env, e => e.StartsWith("DKUBE_POSTGRES", StringComparison.Ordinal) || e.Contains(ServerHandle.OperatorToken, StringComparison.Ordinal));
        Assert.Equal("/opt/dkube/runtime/server.py", config["config"]!["Cmd"]!.AsArray()[1]!.ToString());

        // The layers hold the version's model file, byte for byte, and the runtime; nothing else of the server.
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var layer in manifest["layers"]!.AsArray())
        {
            await using var blob = await registry.GetStreamAsync($"v2/dkube/iris/blobs/{layer!["digest"]}");
            await using Stream tar = layer["mediaType"]!.ToString().EndsWith("gzip", StringComparison.Ordinal) ? new GZipStream(blob, CompressionMode.Decompress) : blob;
            await using var reader = new TarReader(tar);
            while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
            {
                if (entry.DataStream is { } data)
                {
                    using var copy = new MemoryStream();
                    await data.CopyToAsync(copy);
                    files[entry.Name.TrimStart('.', '/')] = copy.ToArray();
                }
            }
        }

        var trained = await ModelFileAsync(alice.Client, model);
        Assert.Equal(trained, files["opt/dkube/model/model.joblib"]);
        Assert.Contains("ThreadingHTTPServer", Encoding.UTF8.GetString(files["opt/dkube/runtime/server.py"]), StringComparison.Ordinal);
        Assert.DoesNotContain(files.Values, f => Encoding.UTF8.GetString(f).Contains(ServerHandle.OperatorToken, StringComparison.Ordinal));

        // The owner's image catalog lists it by digest; the build names the entry.
        var catalog = build["catalogImage"];
        var image = (await alice.Client.Get($"images/{catalog}")).Expect(HttpStatusCode.OK);
        Assert.Equal($"{fixture.Registry.Host}/dkube/iris:v1@{digest}", image["url"]);
        Assert.Contains((await alice.Client.Get("images")).Items, i => i!["id"]!.ToString() == catalog);

        // Another group sees none of it.
        (await bob.Client.Get(path)).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Post(path, new { })).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Get($"images/{catalog}")).ExpectProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain((await bob.Client.Get("images")).Items, i => i!["id"]!.ToString() == catalog);

        // Pushed stays pushed: a POST answers the build as it is; another target for the same version is a conflict.
        Assert.Equal(digest, (await alice.Client.Post(path, new { })).Expect(HttpStatusCode.Accepted)["digest"]);
        (await alice.Client.Post(path, new { tag = "other" })).ExpectProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bad_builds_are_clear_4xx_problems_and_leave_no_build()
    {
        using var alice = await fixture.NewTenantAsync();
        var model = (await alice.Client.Post("models", new { name = "nofile" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"models/{model}/versions", Archives.Tar(("README.txt", "no model here")))).Expect(HttpStatusCode.Created);
        var path = $"models/{model}/versions/1/build";

        (await alice.Client.Post("models/md-000000000000/versions/1/build", new { })).ExpectProblem(HttpStatusCode.NotFound);
        (await alice.Client.Post($"models/{model}/versions/9/build", new { })).ExpectProblem(HttpStatusCode.NotFound);
        var noFile = (await alice.Client.Post(path, new { })).ExpectProblem((HttpStatusCode)422);
        Assert.EndsWith("/no-model-file", noFile["type"], StringComparison.Ordinal);
        (await alice.Client.Post(path, new { runtime = "custom" })).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Post(path, new { repository = "Bad Repo" })).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Post(path, new { tag = "-x" })).ExpectProblem(HttpStatusCode.BadRequest);
        var elsewhere = (await alice.Client.Post(path, new { registry = "registry.example.com" })).ExpectProblem((HttpStatusCode)422);
        Assert.EndsWith("/registry-not-allowed", elsewhere["type"], StringComparison.Ordinal);
        var foreignBase = (await alice.Client.Post(path, new { baseImage = "docker.io/library/python:3.11" })).ExpectProblem((HttpStatusCode)422);
        Assert.EndsWith("/base-image-not-allowed", foreignBase["type"], StringComparison.Ordinal);
        (await alice.Client.Get(path)).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_registry_that_is_down_fails_the_build_with_its_reason_and_a_new_post_pushes_it()
    {
        using var alice = await fixture.NewTenantAsync();
        var model = (await alice.Client.Post("models", new { name = "down" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"models/{model}/versions", Archives.Tar(("model.pkl", "pickled-bytes")))).Expect(HttpStatusCode.Created);
        var path = $"models/{model}/versions/1/build";

        await fixture.Registry.StopAsync();
        Reply failed;
        try
        {
            (await alice.Client.Post(path, new { repository = "team/down", tag = "first" })).Expect(HttpStatusCode.Accepted);
            failed = await ModelBuildFixture.WaitForEndAsync(alice, path);
        }
        finally
        {
            await fixture.Registry.StartAsync();
        }

        Assert.True(failed["status"] == "Failed", failed.Text);
        Assert.Contains("push failed", failed["reason"], StringComparison.Ordinal);
        Assert.Contains(fixture.Registry.Host, failed["reason"], StringComparison.Ordinal);
        Assert.NotEmpty(failed.Json["log"]!.AsArray());
        Assert.Null(failed.Json["catalogImage"]);

        // The registry is back: the same POST starts a second attempt, which pushes.
        var retried = (await alice.Client.Post(path, new { repository = "team/down", tag = "first" })).Expect(HttpStatusCode.Accepted);
        Assert.Equal("2", retried["attempt"]);
        var pushed = await ModelBuildFixture.WaitForEndAsync(alice, path);
        Assert.True(pushed["status"] == "Pushed", pushed.Text);
        Assert.Null(pushed.Json["reason"]);
        using var registry = new HttpClient { BaseAddress = fixture.Registry.Url };
        using var request = new HttpRequestMessage(HttpMethod.Head, "v2/team/down/manifests/first");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciManifest));
        using var answer = await registry.SendAsync(request);
        Assert.Equal(pushed["digest"], answer.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task A_build_accepted_before_a_restart_ends_pushed_after_it()
    {
        using var alice = await fixture.NewTenantAsync();
        var model = (await alice.Client.Post("models", new { name = "restarted" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"models/{model}/versions", Archives.Tar(("model.joblib", "joblib-bytes")))).Expect(HttpStatusCode.Created);
        var path = $"models/{model}/versions/1/build";
        var accepted = (await alice.Client.Post(path, new { })).Expect(HttpStatusCode.Accepted);

        await fixture.RestartAsync();
        // The restarted server listens on a new port.
        using var after = alice with { Client = new ApiClient(fixture.Server.Url, alice.Client.Token) };
        var pushed = await ModelBuildFixture.WaitForEndAsync(after, path);
        Assert.True(pushed["status"] == "Pushed", pushed.Text);
        Assert.Equal(accepted["id"], pushed["id"]);
        Assert.Equal("1", pushed["attempt"]);
        (await after.Client.Get($"images/{pushed["catalogImage"]}")).Expect(HttpStatusCode.OK);
    }

    private static async Task<byte[]> ModelFileAsync(ApiClient client, string model)
    {
        using var http = new HttpClient { BaseAddress = client.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);
        await using var archive = await http.GetStreamAsync($"/api/v1/models/{model}/versions/1/archive");
        await using var reader = new TarReader(archive);
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') == "model.joblib" && entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                await data.CopyToAsync(copy);
                return copy.ToArray();
            }
        }

        throw new InvalidOperationException("The version archive has no model.joblib.");
    }
}
