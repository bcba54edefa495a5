using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos;

/// <summary>Featuresets (specifications, shared with everyone), models (stages, publishing, comparison), images, and project scoping.</summary>
[Collection(RepoCollection.Name)]
public sealed class CatalogTests(RepoFixture fixture)
{
    private const string Spec = """
        - name: age
          description: Age in years
          schema: int32
        - name: embedding
          schema: list<float32>
        """;

    [Fact]
    public async Task A_featureset_spec_is_validated_at_creation_and_later_and_the_featureset_is_visible_to_everyone()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        var (_, _, bob) = await fixture.NewTenantAsync();
        using (alice)
        using (bob)
        {
            var created = (await alice.Post("featuresets", new { name = "people", featureSpec = Spec })).Expect(HttpStatusCode.Created);
            Assert.Equal(new[] { "age", "embedding" }, created.Json["features"]!.AsArray().Select(f => f!["name"]!.ToString()));
            (await alice.Post("featuresets", new { name = "bad", featureSpec = "- name: x\n  schema: complex128\n" })).ExpectProblem(HttpStatusCode.BadRequest);
            (await alice.Post("featuresets", new { name = "bad", featureSpec = "- name: x\n  schema: int32\n- name: x\n  schema: int32\n" })).ExpectProblem(HttpStatusCode.BadRequest);
            (await alice.Post("featuresets", new { name = "bad", featureSpec = "{{{not yaml" })).ExpectProblem(HttpStatusCode.BadRequest);
            (await alice.Post("datasets", new { name = "bad", featureSpec = Spec })).ExpectProblem(HttpStatusCode.BadRequest);

            var id = (await alice.Post("featuresets", new { name = "later" })).Expect(HttpStatusCode.Created)["id"];
            var put = await alice.SendRaw(HttpMethod.Put, $"featuresets/{id}/spec", "- name: score\n  schema: float64\n", "application/yaml");
            Assert.Equal("score", put.Expect(HttpStatusCode.OK).Json["features"]!.AsArray().Single()!["name"]!.ToString());
            (await alice.SendRaw(HttpMethod.Put, $"featuresets/{id}/spec", "- name: 1bad\n  schema: float64\n", "application/yaml")).ExpectProblem(HttpStatusCode.BadRequest);

            Assert.Equal("later", (await bob.Get($"featuresets/{id}")).Expect(HttpStatusCode.OK)["name"]);
            Assert.Contains(id, (await bob.Get("featuresets")).Items.Strings("id"));
            (await bob.Patch($"featuresets/{id}", new { description = "mine now" })).ExpectProblem(HttpStatusCode.Forbidden);
            (await bob.Upload($"featuresets/{id}/versions", Archives.Tar(("x", "x")))).ExpectProblem(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Model_versions_move_through_stages_publish_with_serving_fields_and_compare_side_by_side()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var id = (await alice.Post("models", new { name = "clf", description = "first", tags = new[] { "vision" } })).Expect(HttpStatusCode.Created)["id"];
            (await alice.Upload($"models/{id}/versions", Archives.Tar(("m.bin", "1")))).Expect(HttpStatusCode.Created);
            (await alice.Upload($"models/{id}/versions", Archives.Tar(("m.bin", "2")))).Expect(HttpStatusCode.Created);

            (await alice.Put($"models/{id}/versions/1/stage", new { stage = "Deployed" })).ExpectProblem(HttpStatusCode.Conflict);
            (await alice.Post($"models/{id}/versions/1/publish", new { })).ExpectProblem(HttpStatusCode.BadRequest);
            var published = (await alice.Post($"models/{id}/versions/1/publish", new
            {
                servingImage = "registry.example.com/serving/torchserve:0.9",
                transformerImage = "registry.example.com/serving/transformer:1",
                transformerCommand = "python transform.py",
            })).Expect(HttpStatusCode.OK).Json;
            Assert.Equal("Published", published["stage"]!.ToString());
            Assert.Equal("registry.example.com/serving/torchserve:0.9", published["serving"]!["servingImage"]!.ToString());
            Assert.Equal("Deployed", (await alice.Put($"models/{id}/versions/1/stage", new { stage = "Deployed" })).Expect(HttpStatusCode.OK)["stage"]);

            var edited = (await alice.Patch($"models/{id}", new { description = "second", tags = new[] { "vision", "prod" } })).Expect(HttpStatusCode.OK).Json;
            Assert.Equal("second", edited["description"]!.ToString());
            Assert.Equal(2, edited["tags"]!.AsArray().Count);

            var comparison = (await alice.Get($"models/{id}/compare?versions=1,2")).Expect(HttpStatusCode.OK).Json;
            Assert.Equal(new[] { "Deployed", "Development" }, comparison["versions"]!.AsArray().Select(v => v!["stage"]!.ToString()));
            (await alice.Get($"models/{id}/compare?versions=1")).ExpectProblem(HttpStatusCode.BadRequest);
            (await alice.Get($"models/{id}/compare?versions=1,9")).ExpectProblem(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Images_are_visible_to_the_owners_group_and_never_show_their_credentials()
    {
        var (group, _, alice) = await fixture.NewTenantAsync();
        var (_, _, bob) = await fixture.NewTenantAsync();
        using var op = fixture.Operator;
        var carol = fixture.UniqueName("u");
        var carolToken = (await op.Post("users", new { name = carol })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{carol}")).Expect(HttpStatusCode.OK);
        using var carolClient = alice.As(carolToken);
        using (alice)
        using (bob)
        {
            var created = (await alice.Post("images", new
            {
                name = "trainer",
                url = "registry.example.com/team/trainer:1.0",
                description = "CUDA 12",
                credentials = new { kind = "Password", username = "robot", password = "image-pass-never-shown" },
            })).Expect(HttpStatusCode.Created);
            var id = created["id"];
            Assert.DoesNotContain("image-pass-never-shown", created.Text, StringComparison.Ordinal);
            Assert.Equal("robot", created.Json["credentials"]!["username"]!.ToString());

            Assert.Equal("trainer", (await carolClient.Get($"images/{id}")).Expect(HttpStatusCode.OK)["name"]);
            Assert.Contains(id, (await carolClient.Get("images")).Items.Strings("id"));
            (await bob.Get($"images/{id}")).ExpectProblem(HttpStatusCode.NotFound);
            Assert.DoesNotContain(id, (await bob.Get("images")).Items.Strings("id"));
            (await alice.Post("images", new { name = "bad", url = "Not An Image!" })).ExpectProblem(HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Repos_are_created_in_projects_filtered_by_project_and_moved_between_them()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        var (_, _, bob) = await fixture.NewTenantAsync();
        using (alice)
        using (bob)
        {
            var p1 = (await alice.Post("projects", new { name = "p1" })).Expect(HttpStatusCode.Created)["id"];
            var p2 = (await alice.Post("projects", new { name = "p2" })).Expect(HttpStatusCode.Created)["id"];
            var bobs = (await bob.Post("projects", new { name = "theirs" })).Expect(HttpStatusCode.Created)["id"];

            var dataset = (await alice.Post("datasets", new { name = "scoped", project = p1 })).Expect(HttpStatusCode.Created)["id"];
            var code = (await alice.Post("code", new { name = "scoped", url = "https://github.com/a/b.git", project = p1 })).Expect(HttpStatusCode.Created)["id"];
            var image = (await alice.Post("images", new { name = "scoped", url = "python:3.12", project = p1 })).Expect(HttpStatusCode.Created)["id"];
            (await alice.Post("models", new { name = "elsewhere" })).Expect(HttpStatusCode.Created);
            (await alice.Post("models", new { name = "intruder", project = bobs })).ExpectProblem(HttpStatusCode.NotFound);

            Assert.Equal(new[] { dataset }, (await alice.Get($"datasets?project={p1}")).Items.Strings("id"));
            Assert.Equal(new[] { code }, (await alice.Get($"code?project={p1}")).Items.Strings("id"));
            Assert.Equal(new[] { image }, (await alice.Get($"images?project={p1}")).Items.Strings("id"));
            Assert.Empty((await alice.Get($"models?project={p1}")).Items);

            Assert.Equal(p2, (await alice.Patch($"datasets/{dataset}", new { project = p2 })).Expect(HttpStatusCode.OK)["project"]);
            Assert.Equal(p2, (await alice.Patch($"code/{code}", new { project = p2 })).Expect(HttpStatusCode.OK)["project"]);
            Assert.Equal(p2, (await alice.Patch($"images/{image}", new { project = p2 })).Expect(HttpStatusCode.OK)["project"]);
            (await alice.Patch($"datasets/{dataset}", new { project = bobs })).ExpectProblem(HttpStatusCode.NotFound);
            Assert.Empty((await alice.Get($"datasets?project={p1}")).Items);
            Assert.Equal(new[] { dataset }, (await alice.Get($"datasets?project={p2}")).Items.Strings("id"));
            Assert.Equal(new[] { code }, (await alice.Get($"code?project={p2}")).Items.Strings("id"));
        }
    }
}
