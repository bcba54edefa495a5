using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Pipelines;

/// <summary>Experiments through real HTTP: archive and unarchive, delete only when archived, contributors' access.</summary>
[Collection(PipelineCollection.Name)]
public sealed class ExperimentTests(LabFixture lab)
{
    [Fact]
    public async Task An_experiment_is_deleted_only_once_archived_and_its_name_is_free_again()
    {
        using var alice = await lab.NewTenantAsync();
        var id = (await alice.Client.Post("experiments", new { name = "exp", description = "trials" })).Expect(HttpStatusCode.Created)["id"];
        Assert.Equal("Active", (await alice.Client.Get($"experiments/{id}")).Expect(HttpStatusCode.OK)["status"]);
        (await alice.Client.Post("experiments", new { name = "exp" })).ExpectProblem(HttpStatusCode.Conflict);

        (await alice.Client.Delete($"experiments/{id}")).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("Archived", (await alice.Client.Post($"experiments/{id}/archive")).Expect(HttpStatusCode.OK)["status"]);
        Assert.Equal("Active", (await alice.Client.Post($"experiments/{id}/unarchive")).Expect(HttpStatusCode.OK)["status"]);
        (await alice.Client.Delete($"experiments/{id}")).ExpectProblem(HttpStatusCode.Conflict);
        (await alice.Client.Post($"experiments/{id}/archive")).Expect(HttpStatusCode.OK);
        var listed = (await alice.Client.Get("experiments")).Expect(HttpStatusCode.OK).Items;
        Assert.Equal("Archived", listed.Single(e => e!["id"]!.ToString() == id)!["status"]!.ToString());

        (await alice.Client.Delete($"experiments/{id}")).Expect(HttpStatusCode.NoContent);
        (await alice.Client.Get($"experiments/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await alice.Client.Post("experiments", new { name = "exp" })).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Contributors_get_viewer_editor_or_owner_access_and_others_see_nothing()
    {
        using var alice = await lab.NewTenantAsync();
        using var bob = await lab.NewTenantAsync();
        using var carol = await lab.NewTenantAsync();
        var id = (await alice.Client.Post("experiments", new { name = "shared" })).Expect(HttpStatusCode.Created)["id"];

        (await bob.Client.Get($"experiments/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Post($"experiments/{id}/archive")).ExpectProblem(HttpStatusCode.NotFound);
        (await alice.Client.Put($"experiments/{id}/contributors/{bob.User}", new { access = "admin" })).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Put($"experiments/{id}/contributors/nobody-{Guid.NewGuid():N}", new { access = "viewer" })).ExpectProblem(HttpStatusCode.NotFound);

        var shared = (await alice.Client.Put($"experiments/{id}/contributors/{bob.User}", new { access = "viewer" })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("Viewer", shared["contributors"]![bob.User]!.ToString());
        Assert.Equal("shared", (await bob.Client.Get($"experiments/{id}")).Expect(HttpStatusCode.OK)["name"]);
        (await bob.Client.Post($"experiments/{id}/archive")).ExpectProblem(HttpStatusCode.Forbidden);

        (await alice.Client.Put($"experiments/{id}/contributors/{bob.User}", new { access = "editor" })).Expect(HttpStatusCode.OK);
        (await bob.Client.Post($"experiments/{id}/archive")).Expect(HttpStatusCode.OK);
        (await bob.Client.Delete($"experiments/{id}")).ExpectProblem(HttpStatusCode.Forbidden);
        (await bob.Client.Put($"experiments/{id}/contributors/{carol.User}", new { access = "viewer" })).ExpectProblem(HttpStatusCode.Forbidden);

        (await alice.Client.Put($"experiments/{id}/contributors/{bob.User}", new { access = "owner" })).Expect(HttpStatusCode.OK);
        (await bob.Client.Put($"experiments/{id}/contributors/{carol.User}", new { access = "viewer" })).Expect(HttpStatusCode.OK);
        (await bob.Client.Delete($"experiments/{id}/contributors/{carol.User}")).Expect(HttpStatusCode.OK);
        (await carol.Client.Get($"experiments/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Delete($"experiments/{id}")).Expect(HttpStatusCode.NoContent);
    }
}
