using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Foundation;

public sealed class TenantIsolationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Member_of_another_group_gets_404_and_never_sees_the_project_in_lists()
    {
        var (groupA, _, alice) = await fixture.NewTenantAsync();
        var (_, _, bob) = await fixture.NewTenantAsync();
        using (alice)
        using (bob)
        {
            var id = (await alice.Post("projects", new { name = "secret", description = "A's" })).Expect(HttpStatusCode.Created)["id"];

            (await bob.Get($"projects/{id}")).ExpectProblem(HttpStatusCode.NotFound);
            (await bob.Patch($"projects/{id}", new { description = "pwned" })).ExpectProblem(HttpStatusCode.NotFound);
            (await bob.Get($"groups/{groupA}")).ExpectProblem(HttpStatusCode.NotFound);
            foreach (var scope in new[] { "all", "mine", "shared" })
            {
                Assert.DoesNotContain(id, (await bob.Get($"projects?scope={scope}")).Expect(HttpStatusCode.OK).Items.Strings("id"));
            }

            Assert.DoesNotContain(groupA, (await bob.Get("groups")).Expect(HttpStatusCode.OK).Items.Strings("name"));
            Assert.Equal("A's", (await alice.Get($"projects/{id}")).Expect(HttpStatusCode.OK)["description"]);
        }
    }

    [Fact]
    public async Task A_404_for_a_hidden_project_is_the_same_as_for_a_missing_one()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        var (_, _, bob) = await fixture.NewTenantAsync();
        using (alice)
        using (bob)
        {
            var id = (await alice.Post("projects", new { name = "hidden" })).Expect(HttpStatusCode.Created)["id"];
            var hidden = (await bob.Get($"projects/{id}")).ExpectProblem(HttpStatusCode.NotFound).Json;
            var missing = (await bob.Get("projects/p-000000000000")).ExpectProblem(HttpStatusCode.NotFound).Json;
            Assert.Equal(missing["type"]!.ToString(), hidden["type"]!.ToString());
        }
    }

    [Fact]
    public async Task Group_members_share_projects_and_scopes_split_mine_from_shared()
    {
        var (group, _, alice) = await fixture.NewTenantAsync();
        using var op = fixture.Operator;
        var carol = fixture.UniqueName("u");
        var carolToken = (await op.Post("users", new { name = carol })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{group}/members/{carol}")).Expect(HttpStatusCode.OK);
        using var carolClient = alice.As(carolToken);
        using (alice)
        {
            var id = (await alice.Post("projects", new { name = "shared-work" })).Expect(HttpStatusCode.Created)["id"];

            Assert.Equal("shared-work", (await carolClient.Get($"projects/{id}")).Expect(HttpStatusCode.OK)["name"]);
            Assert.Contains(id, (await carolClient.Get("projects?scope=shared")).Items.Strings("id"));
            Assert.DoesNotContain(id, (await carolClient.Get("projects?scope=mine")).Items.Strings("id"));
            Assert.Contains(id, (await alice.Get("projects?scope=mine")).Items.Strings("id"));
            Assert.DoesNotContain(id, (await alice.Get("projects?scope=shared")).Items.Strings("id"));
        }
    }

    [Fact]
    public async Task Creating_in_a_group_one_is_not_in_is_404_and_creates_nothing()
    {
        var (groupA, _, _) = await fixture.NewTenantAsync();
        var (_, _, bob) = await fixture.NewTenantAsync();
        using (bob)
        {
            (await bob.Post("projects", new { name = "intruder", group = groupA })).ExpectProblem(HttpStatusCode.NotFound);
            Assert.DoesNotContain("intruder", (await bob.Get("projects")).Items.Strings("name"));
        }
    }

    [Fact]
    public async Task Project_names_are_unique_within_a_group()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            (await alice.Post("projects", new { name = "twice" })).Expect(HttpStatusCode.Created);
            (await alice.Post("projects", new { name = "twice" })).ExpectProblem(HttpStatusCode.Conflict);
        }
    }

    [Fact]
    public async Task Pagination_walks_every_item_once_in_creation_order()
    {
        var (_, _, alice) = await fixture.NewTenantAsync();
        using (alice)
        {
            var created = new List<string>();
            for (var i = 0; i < 7; i++)
            {
                created.Add((await alice.Post("projects", new { name = $"page-{i}" })).Expect(HttpStatusCode.Created)["id"]);
            }

            var seen = new List<string>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = (await alice.Get($"projects?scope=mine&limit=3{(cursor is null ? "" : "&cursor=" + cursor)}")).Expect(HttpStatusCode.OK).Json;
                seen.AddRange(page["items"]!.AsArray().Select(p => p!["id"]!.ToString()));
                cursor = page["nextCursor"]?.ToString();
                pages++;
            }
            while (cursor is not null);

            Assert.Equal(created, seen);
            Assert.Equal(3, pages);
        }
    }
}
