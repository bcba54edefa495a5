using System.Net;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Api.Problems;

namespace DKube.Integration.Tests.Repos.Private;

/// <summary>Private code repositories reached with an ssh key, through the real git client and a real sshd on loopback.</summary>
[Collection(PrivateRepoCollection.Name)]
public sealed class SshKeyAccessTests(PrivateRepoFixture fixture)
{
    [Theory]
    [InlineData("-t rsa -b 2048 -m PEM", "-----BEGIN RSA PRIVATE KEY-----")]
    [InlineData("-t ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----")]
    [InlineData("-t rsa -b 2048", "-----BEGIN OPENSSH PRIVATE KEY-----")]
    [InlineData("-t rsa -b 2048 -m PKCS8", "-----BEGIN PRIVATE KEY-----")]
    [InlineData("-t ecdsa -m PEM", "-----BEGIN EC PRIVATE KEY-----")]
    public async Task A_key_in_each_format_resolves_the_latest_commit_and_checks_it_out(string keygen, string header)
    {
        var key = await fixture.Host.NewKeyAsync(authorize: true, keygen.Split(' '));
        Assert.StartsWith(header, key, StringComparison.Ordinal);
        var repo = fixture.Host.NewRepository(fixture.UniqueName("fmt"));
        var first = repo.CommitAndPush("train.py", "print('v1')");
        using var alice = await fixture.NewUserAsync();

        var id = (await alice.Post("code", new { name = "private", url = repo.Url, credentials = new { kind = "SshKey", sshKey = key } }))
            .Expect(HttpStatusCode.Created)["id"];
        Assert.Equal(first, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);
        var second = repo.CommitAndPush("train.py", "print('v2')");
        Assert.Equal(second, (await alice.Get($"code/{id}/commit")).Expect(HttpStatusCode.OK)["commit"]);

        // What a run does at start: clone over ssh with the sealed key, then check out the resolved commit.
        var target = Path.Combine(fixture.DataDir, "checkouts", id);
        await fixture.Service<ICodeResolver>().CheckoutAsync(id, first, target);
        Assert.Equal("print('v1')", await File.ReadAllTextAsync(Path.Combine(target, "train.py")));
        Assert.Equal(first, LocalGit.Run(target, "rev-parse", "HEAD").Trim());
    }

    [Fact]
    public async Task A_key_the_host_refuses_or_no_key_at_all_is_a_422_access_denied_not_a_500()
    {
        var stranger = await fixture.Host.NewKeyAsync(authorize: false, "-t", "ed25519");
        var repo = fixture.Host.NewRepository(fixture.UniqueName("denied"));
        repo.CommitAndPush("train.py", "print('v1')");
        using var alice = await fixture.NewUserAsync();

        var keyed = (await alice.Post("code", new { name = "wrong-key", url = repo.Url, credentials = new { kind = "SshKey", sshKey = stranger } }))
            .Expect(HttpStatusCode.Created)["id"];
        var problem = (await alice.Get($"code/{keyed}/commit")).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(ProblemTypes.For("git-access-denied"), problem["type"]);
        Assert.Contains("Permission denied", problem["detail"], StringComparison.Ordinal);

        // Without credentials only the server user's own keys or agent could get in, and they are never offered.
        var bare = (await alice.Post("code", new { name = "no-key", url = repo.Url })).Expect(HttpStatusCode.Created)["id"];
        Assert.Equal(ProblemTypes.For("git-access-denied"), (await alice.Get($"code/{bare}/commit")).ExpectProblem(HttpStatusCode.UnprocessableEntity)["type"]);

        var failure = await Assert.ThrowsAsync<DomainException>(() =>
            fixture.Service<ICodeResolver>().CheckoutAsync(keyed, new string('a', 40), Path.Combine(fixture.DataDir, "checkouts", keyed)));
        Assert.Equal("git-access-denied", failure.Code);
    }

    [Theory]
    [InlineData("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm0aJ0p3Jm0cY0a8wq8n8wQ4aQ6oYH9Y2q8m3b1m3cD test")]
    [InlineData("PuTTY-User-Key-File-3: ssh-ed25519")]
    [InlineData("not a key")]
    public async Task Something_that_is_not_a_private_key_is_refused_with_400(string sshKey)
    {
        using var alice = await fixture.NewUserAsync();
        var problem = (await alice.Post("code", new { name = "bad-key", url = "ssh://git@example.com/a.git", credentials = new { kind = "SshKey", sshKey } }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem.Json["errors"]!["credentials.sshKey"]);
    }
}
