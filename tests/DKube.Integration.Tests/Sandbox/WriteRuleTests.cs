using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Sandbox;

/// <summary>One write rule everywhere: the owner (or an operator) changes or deletes; group members read (403 on writes); strangers see nothing (404).</summary>
public sealed class WriteRuleTests(LabFixture lab) : IClassFixture<LabFixture>
{
    [Fact]
    public async Task A_group_member_reads_but_cannot_change_or_delete_another_members_resources()
    {
        using var alice = await lab.NewTenantAsync();
        using var op = lab.Server.Operator;
        var carolName = lab.Server.UniqueName("u");
        var carolToken = (await op.Post("users", new { name = carolName })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{alice.Group}/members/{carolName}")).Expect(HttpStatusCode.OK);
        using var carol = alice.Client.As(carolToken);
        using var stranger = await lab.NewTenantAsync();
        var a = alice.Client;

        var code = (await a.Post("code", new { name = "c", url = "https://h1.example.com/a.git", credentials = new { kind = "Token", token = "tok-" + Guid.NewGuid().ToString("N") } })).Expect(HttpStatusCode.Created)["id"];
        var dataset = (await a.Post("datasets", new { name = "d" })).Expect(HttpStatusCode.Created)["id"];
        var project = (await a.Post("projects", new { name = "p" })).Expect(HttpStatusCode.Created)["id"];
        var image = (await a.Post("images", new { name = "i", url = "r.example.com/i:1" })).Expect(HttpStatusCode.Created)["id"];
        var run = (await alice.Submit("r", 0, "sleep 600")).Expect(HttpStatusCode.Created)["id"];
        var ide = (await a.Post("ides", new { name = "ide", command = "sleep 600", gpus = 0 })).Expect(HttpStatusCode.Created)["id"];

        var writes = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Patch, $"code/{code}", new { url = "https://evil.example.net/a.git" }),
            (HttpMethod.Delete, $"code/{code}", null),
            (HttpMethod.Patch, $"datasets/{dataset}", new { description = "mine now" }),
            (HttpMethod.Delete, $"datasets/{dataset}", null),
            (HttpMethod.Patch, $"projects/{project}", new { description = "mine now" }),
            (HttpMethod.Patch, $"images/{image}", new { description = "mine now" }),
            (HttpMethod.Delete, $"images/{image}", null),
            (HttpMethod.Post, $"runs/{run}/stop", null),
            (HttpMethod.Delete, $"runs/{run}", null),
            (HttpMethod.Post, $"ides/{ide}/stop", null),
            (HttpMethod.Post, $"ides/{ide}/start", null),
            (HttpMethod.Delete, $"ides/{ide}", null),
        };
        foreach (var (method, path, body) in writes)
        {
            var reply = await carol.Send(method, path, body);
            Assert.True(reply.Status == HttpStatusCode.Forbidden, $"{method} {path} by a group member: {reply}");
            Assert.Contains("problems/forbidden", reply.Text, StringComparison.Ordinal);
            var hidden = await stranger.Client.Send(method, path, body);
            Assert.True(hidden.Status == HttpStatusCode.NotFound, $"{method} {path} by a stranger: {hidden}");
        }

        // Nothing changed, and members still read all of it.
        Assert.Equal("https://h1.example.com/a.git", (await carol.Get($"code/{code}")).Expect(HttpStatusCode.OK)["url"]);
        foreach (var path in new[] { $"datasets/{dataset}", $"projects/{project}", $"images/{image}", $"runs/{run}", $"ides/{ide}" })
        {
            (await carol.Get(path)).Expect(HttpStatusCode.OK);
        }

        // The owner and an operator may.
        (await op.Patch($"projects/{project}", new { description = "by the operator" })).Expect(HttpStatusCode.OK);
        (await a.Patch($"images/{image}", new { description = "by the owner" })).Expect(HttpStatusCode.OK);
        (await a.Post($"runs/{run}/stop")).Expect(HttpStatusCode.OK);
        (await a.Post($"ides/{ide}/stop")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Pointing_a_code_repo_at_another_host_drops_its_credentials_unless_new_ones_come_with_it()
    {
        using var alice = await lab.NewTenantAsync();
        var a = alice.Client;
        var id = (await a.Post("code", new { name = "c", url = "https://h1.example.com/a.git", credentials = new { kind = "Token", token = "tok-" + Guid.NewGuid().ToString("N") } })).Expect(HttpStatusCode.Created)["id"];

        var sameHost = (await a.Patch($"code/{id}", new { url = "https://h1.example.com/b.git" })).Expect(HttpStatusCode.OK);
        Assert.NotNull(sameHost.Json["credentials"]);

        var otherHost = (await a.Patch($"code/{id}", new { url = "https://h2.example.com/a.git" })).Expect(HttpStatusCode.OK);
        Assert.Null(otherHost.Json["credentials"]);
        Assert.Null((await a.Get($"code/{id}")).Json["credentials"]);

        var withNew = (await a.Patch($"code/{id}", new { url = "https://h3.example.com/a.git", credentials = new { kind = "Password", username = "me", password = "pw-" + Guid.NewGuid().ToString("N") } })).Expect(HttpStatusCode.OK);
        Assert.Equal("me", withNew.Json["credentials"]!["username"]!.ToString());
    }
}
