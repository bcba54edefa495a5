using System.Net;
using DKube.Api.Problems;

namespace DKube.Integration.Tests.Repos.Private;

/// <summary>Host keys are checked: a repository's own known_hosts pins them, else the server records a host's first key and refuses a changed one.</summary>
[Collection(PrivateRepoCollection.Name)]
public sealed class SshHostKeyTests(PrivateRepoFixture fixture)
{
    [Fact]
    public async Task A_repository_pinned_to_the_right_host_key_works_and_to_another_key_is_refused_with_422()
    {
        var key = await fixture.Host.NewKeyAsync(authorize: true, "-t", "ed25519");
        var repo = fixture.Host.NewRepository(fixture.UniqueName("pinned"));
        var commit = repo.CommitAndPush("train.py", "print('v1')");
        var impostor = await fixture.Host.OtherKnownHostsLineAsync();
        using var alice = await fixture.NewUserAsync();

        var created = (await alice.Post("code", new
        {
            name = "pinned",
            url = repo.Url,
            knownHosts = "# from ssh-keyscan\r\n" + fixture.Host.KnownHostsLine + "\r\n",
            credentials = new { kind = "SshKey", sshKey = key },
        })).Expect(HttpStatusCode.Created);
        var id = created["id"];
        Assert.Contains(fixture.Host.KnownHostsLine, created["knownHosts"], StringComparison.Ordinal);
        Assert.Equal(commit, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);

        (await alice.Patch($"code/{id}", new { knownHosts = impostor })).Expect(HttpStatusCode.OK);
        Assert.Equal(ProblemTypes.For("git-host-key-rejected"), (await alice.Get($"code/{id}/commit")).ExpectProblem(HttpStatusCode.UnprocessableEntity)["type"]);

        // Unpinned, the server's own known_hosts applies again.
        var unpinned = (await alice.Patch($"code/{id}", new { knownHosts = "" })).Expect(HttpStatusCode.OK);
        Assert.Null(unpinned.Json["knownHosts"]);
        Assert.Equal(commit, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);
    }

    [Theory]
    [InlineData("just-a-host")]
    [InlineData("host ssh-ed25519 not*base64")]
    [InlineData("host ssh-ed25519 AAAA\u0007")]
    public async Task Known_hosts_that_are_not_known_hosts_lines_are_refused_with_400(string knownHosts)
    {
        using var alice = await fixture.NewUserAsync();
        var problem = (await alice.Post("code", new { name = "bad-hosts", url = "ssh://git@example.com/a.git", knownHosts })).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem.Json["errors"]!["knownHosts"]);
    }

    [Fact]
    public async Task The_server_records_a_hosts_first_key_and_refuses_it_once_changed()
    {
        // A host of its own: changing its key must not disturb the other tests' host.
        await using var host = await SshGitHost.StartAsync();
        var key = await host.NewKeyAsync(authorize: true, "-t", "ed25519");
        var repo = host.NewRepository("moved");
        var commit = repo.CommitAndPush("train.py", "print('v1')");
        using var alice = await fixture.NewUserAsync();
        var id = (await alice.Post("code", new { name = "tofu", url = repo.Url, credentials = new { kind = "SshKey", sshKey = key } }))
            .Expect(HttpStatusCode.Created)["id"];
        Assert.Equal(commit, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);
        Assert.Contains(host.KnownHostsLine.Split(' ')[2], await File.ReadAllTextAsync(Path.Combine(fixture.DataDir, "git", "known_hosts")), StringComparison.Ordinal);

        await host.ChangeHostKeyAsync();
        var problem = (await alice.Get($"code/{id}/commit")).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(ProblemTypes.For("git-host-key-rejected"), problem["type"]);

        // The owner who checked the new key pins it on the repository, which then trusts exactly that.
        (await alice.Patch($"code/{id}", new { knownHosts = host.KnownHostsLine })).Expect(HttpStatusCode.OK);
        Assert.Equal(commit, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);
    }
}
